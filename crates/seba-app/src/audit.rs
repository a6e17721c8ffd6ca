//! Verifying the audit trail: walk every subject's chain, check each link, and check that
//! each chain ends where its recorded head says — so an edited, removed, reordered or
//! trailing-deleted event is named.
//!
//! The heads live in the same database; someone able to rewrite both a chain's tail and its
//! head consistently is out of reach of any in-database check. Exporting the heads (or a
//! digest of them) to the regulator closes that gap.

use std::collections::VecDeque;

use serde::Serialize;

use seba_core::audit::ChainVerifier;

use crate::{App, AppError};

#[derive(Debug, Clone, Default, Serialize)]
pub struct AuditReport {
    pub subjects: u64,
    pub events: u64,
    pub breaks: Vec<String>,
}

impl AuditReport {
    pub fn ok(&self) -> bool {
        self.breaks.is_empty()
    }
}

const PAGE: u32 = 5000;

/// The recorded heads, read in pages in subject order alongside the events.
struct Heads<'a> {
    app: &'a App,
    buf: VecDeque<(String, i64, String)>,
    after: Option<String>,
    done: bool,
}

impl Heads<'_> {
    async fn peek(&mut self) -> Result<Option<&(String, i64, String)>, AppError> {
        if self.buf.is_empty() && !self.done {
            let page = self.app.store.audit_heads(self.after.clone(), PAGE).await?;
            self.done = page.len() < PAGE as usize;
            self.after = page.last().map(|h| h.0.clone());
            self.buf.extend(page);
        }
        Ok(self.buf.front())
    }

    /// Report heads before `subject` (chains that vanished) and return `subject`'s head.
    async fn take_until(
        &mut self,
        subject: Option<&str>,
        report: &mut AuditReport,
    ) -> Result<Option<(i64, String)>, AppError> {
        while let Some((s, _, _)) = self.peek().await? {
            match subject {
                Some(sub) if s.as_str() > sub => return Ok(None),
                Some(sub) if s == sub => {
                    let (_, seq, hash) = self.buf.pop_front().unwrap_or_default();
                    return Ok(Some((seq, hash)));
                }
                _ => {
                    let (s, seq, _) = self.buf.pop_front().unwrap_or_default();
                    report.breaks.push(format!(
                        "{s}: its chain is missing (the head records {seq} events)"
                    ));
                }
            }
        }
        Ok(None)
    }
}

impl App {
    /// Walk every chain in pages; a broken subject is reported once, and checking goes on
    /// with the next subject.
    pub async fn verify_audit(&self) -> Result<AuditReport, AppError> {
        let mut report = AuditReport::default();
        let mut heads = Heads {
            app: self,
            buf: VecDeque::new(),
            after: None,
            done: false,
        };
        let mut after: Option<(String, i64)> = None;
        // (subject, verifier, broken, last seq)
        let mut current: Option<(String, ChainVerifier, bool, i64)> = None;
        loop {
            let page = self.store.audit_page(after.clone(), PAGE).await?;
            for e in &page {
                if current.as_ref().is_none_or(|(s, ..)| *s != e.subject) {
                    if let Some(done) = current.take() {
                        self.finish_chain(done, &mut heads, &mut report).await?;
                    }
                    current = Some((e.subject.clone(), ChainVerifier::new(&e.subject), false, 0));
                    report.subjects += 1;
                }
                report.events += 1;
                if let Some((_, v, broken, last)) = current.as_mut() {
                    *last = e.seq;
                    if !*broken && let Err(b) = v.push(e) {
                        *broken = true;
                        report.breaks.push(b.to_string());
                    }
                }
            }
            if page.len() < PAGE as usize {
                break;
            }
            after = page.last().map(|e| (e.subject.clone(), e.seq));
        }
        if let Some(done) = current.take() {
            self.finish_chain(done, &mut heads, &mut report).await?;
        }
        heads.take_until(None, &mut report).await?;
        Ok(report)
    }

    async fn finish_chain(
        &self,
        (subject, verifier, broken, last_seq): (String, ChainVerifier, bool, i64),
        heads: &mut Heads<'_>,
        report: &mut AuditReport,
    ) -> Result<(), AppError> {
        let head = heads.take_until(Some(&subject), report).await?;
        if broken {
            return Ok(());
        }
        match head {
            None => report.breaks.push(format!("{subject}: no head is recorded for this chain")),
            Some((seq, hash)) if seq != last_seq || hash != verifier.head() => report.breaks.push(format!(
                "{subject}: the chain ends at event {last_seq} but its head records event {seq} (events removed from the end, or the head altered)"
            )),
            Some(_) => {}
        }
        Ok(())
    }
}
