//! Verifying the audit trail: walk every subject's chain and name each break.

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

impl App {
    /// Walk every chain in pages; a broken subject is reported once, and checking goes on
    /// with the next subject.
    pub async fn verify_audit(&self) -> Result<AuditReport, AppError> {
        let mut report = AuditReport::default();
        let mut after: Option<(String, i64)> = None;
        let mut current: Option<(String, ChainVerifier, bool)> = None;
        loop {
            let page = self.store.audit_page(after.clone(), 5000).await?;
            if page.is_empty() {
                break;
            }
            for e in &page {
                if current.as_ref().is_none_or(|(s, _, _)| *s != e.subject) {
                    current = Some((e.subject.clone(), ChainVerifier::new(&e.subject), false));
                    report.subjects += 1;
                }
                report.events += 1;
                if let Some((_, v, broken)) = current.as_mut()
                    && !*broken
                    && let Err(b) = v.push(e)
                {
                    *broken = true;
                    report.breaks.push(b.to_string());
                }
            }
            after = page.last().map(|e| (e.subject.clone(), e.seq));
        }
        Ok(report)
    }
}
