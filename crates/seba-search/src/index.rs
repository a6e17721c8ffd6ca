//! The search index: a tantivy index of cases, derived from the store.
//!
//! One document per case: its subject and the words of its whole thread, searched as one
//! text; the fields searches filter on (status, queue, category and its parent, channel,
//! creation time); and the requester's phone number for exact look-ups. Text goes through [`crate::analyze`]
//! (registered as the `seba` tokenizer), so a document carries, at each word's position,
//! the word, its stem, its lexicon concepts and its phonetic keys; a query asks for each of
//! its words' alternatives with the weights [`crate::analyze_query`] gives them.
//!
//! The index is never the source of truth. Each commit records, in tantivy's commit
//! payload, the outbox position it reflects, so after a crash the feeder resumes from
//! exactly what was durably indexed; search results are ids that the caller loads from the
//! store, dropping any the store no longer has.

use std::path::Path;
use std::sync::Mutex;

use tantivy::collector::TopDocs;
use tantivy::query::{BooleanQuery, BoostQuery, Occur, Query, RangeQuery, TermQuery};
use tantivy::schema::{
    FAST, Field, INDEXED, IndexRecordOption, STORED, STRING, Schema, TextFieldIndexing,
    TextOptions, Value,
};
use tantivy::snippet::SnippetGenerator;
use tantivy::tokenizer::{Token as TantivyToken, TokenStream, Tokenizer};
use tantivy::{Index, IndexReader, IndexWriter, ReloadPolicy, TantivyDocument, Term};

use crate::query::QueryIntent;

/// The name the analyzer is registered under.
pub const TOKENIZER: &str = "seba";
/// Memory the writer may use before it flushes a segment.
const WRITER_MEMORY: usize = 32 * 1024 * 1024;

#[derive(Debug, thiserror::Error)]
pub enum IndexError {
    #[error("search index: {0}")]
    Tantivy(#[from] tantivy::TantivyError),
    #[error("search index directory: {0}")]
    Dir(String),
    #[error("this search index was opened read-only")]
    ReadOnly,
}

pub type Result<T, E = IndexError> = std::result::Result<T, E>;

/// seba's analyzer as a tantivy tokenizer.
#[derive(Debug, Clone, Default)]
pub struct SebaTokenizer;

#[derive(Debug)]
pub struct SebaTokenStream {
    tokens: Vec<TantivyToken>,
    next: usize,
    empty: TantivyToken,
}

impl Tokenizer for SebaTokenizer {
    type TokenStream<'a> = SebaTokenStream;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> SebaTokenStream {
        let tokens = crate::analyze(text)
            .into_iter()
            .map(|t| TantivyToken {
                offset_from: t.start,
                offset_to: t.end,
                position: t.position as usize,
                text: t.term,
                position_length: 1,
            })
            .collect();
        SebaTokenStream {
            tokens,
            next: 0,
            empty: TantivyToken::default(),
        }
    }
}

impl TokenStream for SebaTokenStream {
    fn advance(&mut self) -> bool {
        if self.next < self.tokens.len() {
            self.next += 1;
            true
        } else {
            false
        }
    }

    fn token(&self) -> &TantivyToken {
        self.next
            .checked_sub(1)
            .and_then(|i| self.tokens.get(i))
            .unwrap_or(&self.empty)
    }

    fn token_mut(&mut self) -> &mut TantivyToken {
        match self.next.checked_sub(1) {
            Some(i) if i < self.tokens.len() => &mut self.tokens[i],
            _ => &mut self.empty,
        }
    }
}

/// A case as the index sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseDoc {
    pub case_id: i64,
    pub status: String,
    pub queue: Option<String>,
    pub category: String,
    pub channel: String,
    /// The requester's phone, 11-digit national form.
    pub phone: Option<String>,
    /// Microseconds since the epoch.
    pub created_at: i64,
    pub subject: String,
    /// The thread's messages and the requester's name, one per line.
    pub body: String,
}

/// Filters and paging of a search.
#[derive(Debug, Clone, Default)]
pub struct SearchRequest {
    pub statuses: Vec<String>,
    pub queue: Option<String>,
    /// A code; a top-level code matches its children.
    pub category: Option<String>,
    pub channel: Option<String>,
    pub created_from: Option<i64>,
    pub created_to: Option<i64>,
    pub limit: usize,
}

/// One result: a case id, how well it matched, and a highlighted snippet (HTML-escaped,
/// matches in `<b>`).
#[derive(Debug, Clone, PartialEq)]
pub struct Hit {
    pub case_id: i64,
    pub score: f32,
    /// Found by its case number or phone number rather than by words.
    pub exact: bool,
    pub snippet: String,
}

#[derive(Debug, Clone, Copy)]
struct Fields {
    case_id: Field,
    status: Field,
    queue: Field,
    category: Field,
    parent: Field,
    channel: Field,
    phone: Field,
    created: Field,
    subject: Field,
    body: Field,
}

fn schema() -> (Schema, Fields) {
    let mut b = Schema::builder();
    let text = TextOptions::default()
        .set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer(TOKENIZER)
                .set_index_option(IndexRecordOption::WithFreqsAndPositions),
        )
        .set_stored();
    let fields = Fields {
        case_id: b.add_u64_field("case_id", INDEXED | STORED | FAST),
        status: b.add_text_field("status", STRING),
        queue: b.add_text_field("queue", STRING),
        category: b.add_text_field("category", STRING),
        parent: b.add_text_field("category_parent", STRING),
        channel: b.add_text_field("channel", STRING),
        phone: b.add_text_field("phone", STRING),
        created: b.add_i64_field("created_at", INDEXED | FAST),
        // Shown for exact hits; its words are searched as part of `body`.
        subject: b.add_text_field("subject", STORED),
        body: b.add_text_field("body", text),
    };
    (b.build(), fields)
}

/// A search index on disk (or in memory, for tests).
pub struct SearchIndex {
    index: Index,
    reader: IndexReader,
    /// `None` for an index opened only to search.
    writer: Option<Mutex<IndexWriter<TantivyDocument>>>,
    f: Fields,
}

impl std::fmt::Debug for SearchIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SearchIndex").finish_non_exhaustive()
    }
}

/// How many indexing threads a writer runs and the memory they share before flushing.
#[derive(Debug, Clone, Copy)]
pub struct WriterOptions {
    pub threads: usize,
    pub memory: usize,
}

impl WriterOptions {
    /// For a serving node: one thread, so that indexing keeps up in the background and
    /// never takes every core from the requests being served.
    pub const SERVING: WriterOptions = WriterOptions {
        threads: 1,
        memory: WRITER_MEMORY,
    };

    /// For a rebuild (`seba reindex`): every core, and enough memory per thread to write
    /// few, large segments.
    pub fn bulk() -> WriterOptions {
        let threads = std::thread::available_parallelism()
            .map_or(2, std::num::NonZeroUsize::get)
            .clamp(1, 8);
        WriterOptions {
            threads,
            memory: threads * 192 * 1024 * 1024,
        }
    }
}

impl SearchIndex {
    /// Open the index in `dir` for serving, creating it if absent.
    pub fn open(dir: &Path) -> Result<Self> {
        Self::open_with(dir, WriterOptions::SERVING)
    }

    /// Open the index in `dir` with a writer of this shape, creating it if absent. Fails if
    /// another process holds the index's writer lock.
    pub fn open_with(dir: &Path, writer: WriterOptions) -> Result<Self> {
        std::fs::create_dir_all(dir)
            .map_err(|e| IndexError::Dir(format!("{}: {e}", dir.display())))?;
        let (schema, _) = schema();
        let mmap = tantivy::directory::MmapDirectory::open(dir)
            .map_err(|e| IndexError::Dir(e.to_string()))?;
        let index = Index::open_or_create(mmap, schema)?;
        Self::from_index(index, Some(writer))
    }

    /// Open an existing index in `dir` only to search it, beside a process that may be
    /// writing it. Each call sees the last commit made before it.
    pub fn open_read_only(dir: &Path) -> Result<Self> {
        let mmap = tantivy::directory::MmapDirectory::open(dir)
            .map_err(|e| IndexError::Dir(e.to_string()))?;
        Self::from_index(Index::open(mmap)?, None)
    }

    /// A throw-away index in memory.
    pub fn in_memory() -> Result<Self> {
        let (schema, _) = schema();
        Self::from_index(Index::create_in_ram(schema), Some(WriterOptions::SERVING))
    }

    fn from_index(mut index: Index, options: Option<WriterOptions>) -> Result<Self> {
        // A search runs over the index's segments on every core at once, so a lone query
        // on a quiet node answers sooner; under load the cores are shared anyway.
        let cores = std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get);
        if cores > 1 {
            index.set_multithread_executor(cores.min(8))?;
        }
        index.tokenizers().register(
            TOKENIZER,
            tantivy::tokenizer::TextAnalyzer::from(SebaTokenizer),
        );
        let (_, f) = schema();
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()?;
        let writer = match options {
            Some(o) => Some(Mutex::new(
                index.writer_with_num_threads(o.threads, o.memory)?,
            )),
            None => None,
        };
        Ok(SearchIndex {
            index,
            reader,
            writer,
            f,
        })
    }

    fn writer(&self) -> Result<std::sync::MutexGuard<'_, IndexWriter<TantivyDocument>>> {
        let w = self.writer.as_ref().ok_or(IndexError::ReadOnly)?;
        Ok(w.lock().unwrap_or_else(|e| e.into_inner()))
    }

    /// The outbox position the last commit reflects (`None` for a fresh index).
    pub fn position(&self) -> Result<Option<String>> {
        Ok(self.index.load_metas()?.payload)
    }

    /// Replace the documents of these cases, remove those of `deleted`, and commit with
    /// `position` as the payload; searches see the change when this returns.
    pub fn apply(&self, docs: Vec<CaseDoc>, deleted: &[i64], position: &str) -> Result<()> {
        {
            let w = self.writer()?;
            for id in deleted {
                w.delete_term(Term::from_field_u64(self.f.case_id, *id as u64));
            }
        }
        self.add(docs, true)?;
        self.commit(position)
    }

    /// Hand documents to the indexing threads without committing. With `replace`, each
    /// case's earlier document is deleted first; a rebuild into an empty index skips that.
    /// Blocks while the indexing threads are busy, which paces a bulk load.
    pub fn add(&self, docs: Vec<CaseDoc>, replace: bool) -> Result<()> {
        let w = self.writer()?;
        for d in docs {
            if replace {
                w.delete_term(Term::from_field_u64(self.f.case_id, d.case_id as u64));
            }
            w.add_document(self.document(&d))?;
        }
        Ok(())
    }

    /// Commit everything added so far with `position` as the payload, and make it visible.
    pub fn commit(&self, position: &str) -> Result<()> {
        let mut w = self.writer()?;
        let mut prepared = w.prepare_commit()?;
        prepared.set_payload(position);
        prepared.commit()?;
        drop(w);
        self.reader.reload()?;
        Ok(())
    }

    /// Wait for background segment merges to finish and release the writer (its lock
    /// file included), so that another process can open this index for writing.
    pub fn close(self) -> Result<()> {
        if let Some(w) = self.writer {
            let w = w.into_inner().unwrap_or_else(|e| e.into_inner());
            w.wait_merging_threads()?;
        }
        Ok(())
    }

    fn document(&self, d: &CaseDoc) -> TantivyDocument {
        let mut doc = TantivyDocument::default();
        doc.add_u64(self.f.case_id, d.case_id as u64);
        doc.add_text(self.f.status, &d.status);
        if let Some(q) = &d.queue {
            doc.add_text(self.f.queue, q);
        }
        doc.add_text(self.f.category, &d.category);
        doc.add_text(
            self.f.parent,
            d.category.split('.').next().unwrap_or(&d.category),
        );
        doc.add_text(self.f.channel, &d.channel);
        if let Some(p) = &d.phone {
            doc.add_text(self.f.phone, p);
        }
        doc.add_i64(self.f.created, d.created_at);
        doc.add_text(self.f.subject, &d.subject);
        // The subject is searched as part of the text (it is usually the first message's
        // opening, already there): one field to score, not two.
        if d.body.contains(d.subject.trim()) {
            doc.add_text(self.f.body, &d.body);
        } else {
            doc.add_text(self.f.body, format!("{}\n{}", d.subject, d.body));
        }
        doc
    }

    pub fn num_docs(&self) -> u64 {
        self.reader.searcher().num_docs()
    }

    fn filters(&self, req: &SearchRequest) -> Vec<(Occur, Box<dyn Query>)> {
        let s = |field: Field, v: &str| -> Box<dyn Query> {
            Box::new(TermQuery::new(
                Term::from_field_text(field, v),
                IndexRecordOption::Basic,
            ))
        };
        let mut out: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        if !req.statuses.is_empty() {
            let any: Vec<(Occur, Box<dyn Query>)> = req
                .statuses
                .iter()
                .map(|st| (Occur::Should, s(self.f.status, st)))
                .collect();
            out.push((Occur::Must, Box::new(BooleanQuery::new(any))));
        }
        if let Some(q) = &req.queue {
            out.push((Occur::Must, s(self.f.queue, q)));
        }
        if let Some(c) = &req.category {
            let any = vec![
                (Occur::Should, s(self.f.category, c)),
                (Occur::Should, s(self.f.parent, c)),
            ];
            out.push((Occur::Must, Box::new(BooleanQuery::new(any))));
        }
        if let Some(ch) = &req.channel {
            out.push((Occur::Must, s(self.f.channel, ch)));
        }
        if req.created_from.is_some() || req.created_to.is_some() {
            use std::ops::Bound;
            let lo = req.created_from.map_or(Bound::Unbounded, |t| {
                Bound::Included(Term::from_field_i64(self.f.created, t))
            });
            let hi = req.created_to.map_or(Bound::Unbounded, |t| {
                Bound::Excluded(Term::from_field_i64(self.f.created, t))
            });
            out.push((Occur::Must, Box::new(RangeQuery::new(lo, hi))));
        }
        out
    }

    /// Search. A case number or a phone number goes straight to its exact matches, ranked
    /// first; words then find cases where every query word matches in some form.
    pub fn search(&self, intent: &QueryIntent, req: &SearchRequest) -> Result<Vec<Hit>> {
        let searcher = self.reader.searcher();
        let limit = req.limit.clamp(1, 100);
        let mut hits: Vec<Hit> = Vec::new();
        let exact: Option<Box<dyn Query>> = match (intent.case_number, &intent.phone) {
            (Some(id), _) if id > 0 => Some(Box::new(TermQuery::new(
                Term::from_field_u64(self.f.case_id, id as u64),
                IndexRecordOption::Basic,
            ))),
            (_, Some(p)) => Some(Box::new(TermQuery::new(
                Term::from_field_text(self.f.phone, p),
                IndexRecordOption::Basic,
            ))),
            _ => None,
        };
        if let Some(q) = exact {
            let mut clauses = self.filters(req);
            clauses.push((Occur::Must, q));
            let query = BooleanQuery::new(clauses);
            for (score, addr) in searcher.search(&query, &TopDocs::with_limit(limit))? {
                let doc: TantivyDocument = searcher.doc(addr)?;
                if let Some(id) = doc.get_first(self.f.case_id).and_then(|v| v.as_u64()) {
                    let subject = doc
                        .get_first(self.f.subject)
                        .and_then(|v| v.as_str())
                        .unwrap_or_default();
                    hits.push(Hit {
                        case_id: id as i64,
                        score,
                        exact: true,
                        snippet: escape(subject),
                    });
                }
            }
        }
        if intent.terms.is_empty() {
            return Ok(hits);
        }
        // Every query word but a function word must match through one of its
        // alternatives, in the text (the subject and the thread). A word the lexicon knows
        // is matched through its concepts alone: every spelling of it, in either script,
        // carries them, and a conjunction of single terms skips through posting lists
        // where a union of forms would walk them all (on the relevance set, ranking by
        // concept is as good as also scoring the exact form).
        let mut clauses = self.filters(req);
        let lone = intent.terms.len() == 1 && clauses.is_empty();
        for t in &intent.terms {
            let concepts: Vec<&crate::Alternative> = t
                .alternatives
                .iter()
                .filter(|a| a.kind == crate::TokenKind::Concept)
                .collect();
            let wanted = if concepts.is_empty() || t.optional || lone {
                t.alternatives.iter().collect()
            } else {
                concepts
            };
            let mut any: Vec<(Occur, Box<dyn Query>)> = wanted
                .into_iter()
                .map(|a| {
                    let tq = TermQuery::new(
                        Term::from_field_text(self.f.body, &a.term),
                        IndexRecordOption::WithFreqs,
                    );
                    let q: Box<dyn Query> = Box::new(BoostQuery::new(Box::new(tq), a.weight));
                    (Occur::Should, q)
                })
                .collect();
            let group: Box<dyn Query> = match any.len() {
                0 => continue,
                1 => any.remove(0).1,
                _ => Box::new(BooleanQuery::new(any)),
            };
            let occur = if t.optional {
                Occur::Should
            } else {
                Occur::Must
            };
            clauses.push((occur, group));
        }
        // One word and no filters: its OR group alone is the query, which lets tantivy
        // skip blocks that cannot reach the top (block-max WAND) instead of scoring every
        // case that mentions a common word.
        let query: Box<dyn Query> = if clauses.len() == 1 && clauses[0].0 == Occur::Must {
            clauses
                .pop()
                .map(|(_, q)| q)
                .unwrap_or_else(|| Box::new(BooleanQuery::new(vec![])))
        } else {
            Box::new(BooleanQuery::new(clauses))
        };
        let top = searcher.search(&query, &TopDocs::with_limit(limit))?;
        let mut generator = SnippetGenerator::create(&searcher, &*query, self.f.body)?;
        generator.set_max_num_chars(160);
        for (score, addr) in top {
            let doc: TantivyDocument = searcher.doc(addr)?;
            let Some(id) = doc.get_first(self.f.case_id).and_then(|v| v.as_u64()) else {
                continue;
            };
            if hits.iter().any(|h| h.case_id == id as i64) {
                continue;
            }
            let snippet = generator.snippet_from_doc(&doc);
            let html = if snippet.fragment().is_empty() {
                escape(
                    doc.get_first(self.f.subject)
                        .and_then(|v| v.as_str())
                        .unwrap_or_default(),
                )
            } else {
                snippet.to_html()
            };
            hits.push(Hit {
                case_id: id as i64,
                score,
                exact: false,
                snippet: html,
            });
        }
        hits.truncate(limit);
        Ok(hits)
    }
}

fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analyze_query;

    fn doc(
        id: i64,
        subject: &str,
        body: &str,
        phone: Option<&str>,
        category: &str,
        status: &str,
    ) -> CaseDoc {
        CaseDoc {
            case_id: id,
            status: status.into(),
            queue: Some("complaint_cell".into()),
            category: category.into(),
            channel: "web".into(),
            phone: phone.map(Into::into),
            created_at: 1_700_000_000_000_000 + id,
            subject: subject.into(),
            body: body.into(),
        }
    }

    fn index() -> SearchIndex {
        let ix = SearchIndex::in_memory().unwrap();
        ix.apply(
            vec![
                doc(
                    1,
                    "ভুল নম্বরে টাকা চলে গেছে",
                    "বিকাশে ৫,০০০ টাকা ভুল নাম্বারে পাঠিয়েছি",
                    Some("01712345678"),
                    "mfs.wrong_transfer",
                    "new",
                ),
                doc(
                    2,
                    "Refund not received",
                    "Evaly order cancelled, refund of 45000 taka still pending",
                    Some("01812345678"),
                    "ecommerce.refund",
                    "open",
                ),
                doc(
                    3,
                    "পিন ভুলে গেছি",
                    "অ্যাকাউন্ট লক হয়ে গেছে, পিন রিসেট করব কিভাবে",
                    None,
                    "mfs.pin_lock",
                    "resolved",
                ),
                doc(
                    4,
                    "Cash out problem",
                    "agent took extra charge on cash out <script>",
                    None,
                    "mfs.cash_out",
                    "new",
                ),
            ],
            &[],
            "pos-1",
        )
        .unwrap();
        ix
    }

    fn ids(ix: &SearchIndex, q: &str, req: SearchRequest) -> Vec<i64> {
        let req = SearchRequest { limit: 10, ..req };
        ix.search(&analyze_query(q), &req)
            .unwrap()
            .into_iter()
            .map(|h| h.case_id)
            .collect()
    }

    #[test]
    fn finds_across_scripts_and_forms() {
        let ix = index();
        assert_eq!(ids(&ix, "bkash", SearchRequest::default()), vec![1]);
        assert_eq!(ids(&ix, "wrong number", SearchRequest::default()), vec![1]);
        assert_eq!(ids(&ix, "5000", SearchRequest::default()), vec![1]);
        assert_eq!(ids(&ix, "রিফান্ড", SearchRequest::default()), vec![2]);
        assert_eq!(
            ids(&ix, "pin reset korbo kivabe", SearchRequest::default()),
            vec![3]
        );
        assert_eq!(ids(&ix, "ক্যাশ আউট", SearchRequest::default()), vec![4]);
        assert!(ids(&ix, "nothing-like-this", SearchRequest::default()).is_empty());
    }

    #[test]
    fn phone_numbers_and_case_ids_go_straight_to_their_case() {
        let ix = index();
        let hits = ix
            .search(
                &analyze_query("+880 1812-345678"),
                &SearchRequest {
                    limit: 5,
                    ..Default::default()
                },
            )
            .unwrap();
        assert_eq!(hits[0].case_id, 2);
        assert!(hits[0].exact);
    }

    #[test]
    fn filters_narrow_results() {
        let ix = index();
        let only_new = SearchRequest {
            statuses: vec!["new".into()],
            ..Default::default()
        };
        assert_eq!(ids(&ix, "taka", only_new.clone()), vec![1]);
        let mfs = SearchRequest {
            category: Some("mfs".into()),
            ..Default::default()
        };
        let mut got = ids(&ix, "টাকা", mfs);
        got.sort();
        assert_eq!(got, vec![1]);
        let ecommerce = SearchRequest {
            category: Some("ecommerce".into()),
            ..Default::default()
        };
        assert_eq!(ids(&ix, "taka", ecommerce), vec![2]);
    }

    #[test]
    fn snippets_highlight_and_escape() {
        let ix = index();
        let hits = ix
            .search(
                &analyze_query("cash out"),
                &SearchRequest {
                    limit: 5,
                    ..Default::default()
                },
            )
            .unwrap();
        assert!(hits[0].snippet.contains("<b>"), "{}", hits[0].snippet);
        assert!(!hits[0].snippet.contains("<script>"), "{}", hits[0].snippet);
    }

    #[test]
    fn updates_replace_and_the_position_is_kept() {
        let ix = index();
        assert_eq!(ix.position().unwrap().as_deref(), Some("pos-1"));
        ix.apply(
            vec![doc(
                1,
                "closed",
                "nothing about money",
                None,
                "general.enquiry",
                "closed",
            )],
            &[4],
            "pos-2",
        )
        .unwrap();
        assert!(ids(&ix, "bkash", SearchRequest::default()).is_empty());
        assert!(ids(&ix, "cash out", SearchRequest::default()).is_empty());
        assert_eq!(ix.num_docs(), 3);
        assert_eq!(ix.position().unwrap().as_deref(), Some("pos-2"));
    }

    #[test]
    fn odd_queries_do_not_fail() {
        let ix = index();
        for q in [
            "",
            "   ",
            "\"",
            "AND OR NOT",
            "*:*",
            "(((",
            &"ক".repeat(10_000),
            "\u{200d}\u{09bc}",
        ] {
            ix.search(
                &analyze_query(q),
                &SearchRequest {
                    limit: 5,
                    ..Default::default()
                },
            )
            .unwrap();
        }
    }
}
