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
use tantivy::query::{BooleanQuery, BoostQuery, Occur, Query, TermQuery};
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
        status: b.add_text_field("status", STRING | FAST),
        queue: b.add_text_field("queue", STRING | FAST),
        category: b.add_text_field("category", STRING | FAST),
        parent: b.add_text_field("category_parent", STRING | FAST),
        channel: b.add_text_field("channel", STRING | FAST),
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
    filter_selectivity: f64,
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
        let index = Index::open(mmap)?;
        if index.schema() != schema().0 {
            return Err(IndexError::Tantivy(tantivy::TantivyError::SchemaError(
                "the index was written by another version of seba; run `seba reindex`".into(),
            )));
        }
        Self::from_index(index, None)
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
            filter_selectivity: 0.05,
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

    /// The request's filters: those that narrow much (a small queue, a rare channel) as
    /// required terms of the query, so the search skips through their short posting lists;
    /// the rest (`status=new,open` is most of an index) as a check of each candidate's fast
    /// fields, which costs a few column reads instead of walking a list as long as the
    /// index.
    fn filters(
        &self,
        searcher: &tantivy::Searcher,
        req: &SearchRequest,
    ) -> (Vec<Clause>, PostFilter) {
        let term = |field: Field, v: &str| Term::from_field_text(field, v);
        let selective_below = (searcher.num_docs() as f64 * self.filter_selectivity) as u64;
        let selective = |terms: &[Term]| {
            terms
                .iter()
                .map(|t| searcher.doc_freq(t).unwrap_or(u64::MAX))
                .fold(0u64, u64::saturating_add)
                <= selective_below
        };
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        let mut post = PostFilter::default();
        let mut narrow = |terms: Vec<Term>, post_check: Vec<(&'static str, String)>| {
            if selective(&terms) {
                let any: Vec<(Occur, Box<dyn Query>)> = terms
                    .into_iter()
                    .map(|t| {
                        let q: Box<dyn Query> =
                            Box::new(TermQuery::new(t, IndexRecordOption::Basic));
                        (Occur::Should, q)
                    })
                    .collect();
                clauses.push((Occur::Must, Box::new(BooleanQuery::new(any))));
            } else {
                post.any_of.push(post_check);
            }
        };
        if !req.statuses.is_empty() {
            narrow(
                req.statuses
                    .iter()
                    .map(|v| term(self.f.status, v))
                    .collect(),
                req.statuses.iter().map(|v| ("status", v.clone())).collect(),
            );
        }
        if let Some(q) = &req.queue {
            narrow(vec![term(self.f.queue, q)], vec![("queue", q.clone())]);
        }
        if let Some(c) = &req.category {
            narrow(
                vec![term(self.f.category, c), term(self.f.parent, c)],
                vec![("category", c.clone()), ("category_parent", c.clone())],
            );
        }
        if let Some(ch) = &req.channel {
            narrow(
                vec![term(self.f.channel, ch)],
                vec![("channel", ch.clone())],
            );
        }
        if req.created_from.is_some() || req.created_to.is_some() {
            post.created = Some((
                req.created_from.unwrap_or(i64::MIN),
                req.created_to.unwrap_or(i64::MAX),
            ));
        }
        (clauses, post)
    }

    /// Top `limit` documents of `query` that pass `post`.
    fn top(
        &self,
        searcher: &tantivy::Searcher,
        query: &dyn Query,
        post: &PostFilter,
        limit: usize,
    ) -> Result<Vec<(f32, tantivy::DocAddress)>> {
        let top = TopDocs::with_limit(limit);
        if post.is_empty() {
            Ok(searcher.search(query, &top)?)
        } else {
            Ok(searcher.search(
                query,
                &Filtered {
                    inner: top,
                    filter: std::sync::Arc::new(post.clone()),
                },
            )?)
        }
    }

    /// Make filters matching at most this fraction of the index part of the query, and
    /// check the others per candidate (default 5 %).
    pub fn with_filter_selectivity(mut self, fraction: f64) -> Self {
        self.filter_selectivity = fraction;
        self
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
            let (mut clauses, post) = self.filters(&searcher, req);
            clauses.push((Occur::Must, q));
            let query = BooleanQuery::new(clauses);
            for (score, addr) in self.top(&searcher, &query, &post, limit)? {
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
        let (mut clauses, post) = self.filters(&searcher, req);
        let lone = intent.terms.len() == 1 && clauses.is_empty() && post.is_empty();
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
        let top = self.top(&searcher, &*query, &post, limit)?;
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

/// One clause of a boolean query.
type Clause = (Occur, Box<dyn Query>);

/// Filters checked on each candidate's fast fields (see `SearchIndex::filters`).
#[derive(Debug, Clone, Default)]
struct PostFilter {
    /// Each entry must hold: one of its (fast field, value) pairs matches.
    any_of: Vec<Vec<(&'static str, String)>>,
    /// `created_at` in `[from, to)`.
    created: Option<(i64, i64)>,
}

impl PostFilter {
    fn is_empty(&self) -> bool {
        self.any_of.is_empty() && self.created.is_none()
    }
}

/// A collector that passes on only the documents [`PostFilter`] accepts.
struct Filtered<C> {
    inner: C,
    filter: std::sync::Arc<PostFilter>,
}

/// One [`PostFilter::any_of`] entry resolved for a segment: (column, accepted ordinals).
type SegmentCheck = Vec<(tantivy::columnar::Column<u64>, Vec<u64>)>;

struct FilteredSegment<S> {
    inner: S,
    checks: Vec<SegmentCheck>,
    created: Option<(tantivy::columnar::Column<i64>, i64, i64)>,
    /// Some filter value does not occur in this segment at all.
    nothing: bool,
}

impl<C: tantivy::collector::Collector> tantivy::collector::Collector for Filtered<C> {
    type Fruit = C::Fruit;
    type Child = FilteredSegment<C::Child>;

    fn for_segment(
        &self,
        segment: tantivy::SegmentOrdinal,
        reader: &tantivy::SegmentReader,
    ) -> tantivy::Result<Self::Child> {
        let inner = self.inner.for_segment(segment, reader)?;
        let mut checks = Vec::with_capacity(self.filter.any_of.len());
        let mut nothing = false;
        for alternatives in &self.filter.any_of {
            let mut check: SegmentCheck = Vec::new();
            for (field, value) in alternatives {
                let Some(column) = reader.fast_fields().str(field)? else {
                    continue;
                };
                if let Some(ord) = column.dictionary().term_ord(value.as_bytes())? {
                    check.push((column.ords().clone(), vec![ord]));
                }
            }
            if check.is_empty() {
                nothing = true;
            }
            checks.push(check);
        }
        let created = match self.filter.created {
            Some((from, to)) => Some((reader.fast_fields().i64("created_at")?, from, to)),
            None => None,
        };
        Ok(FilteredSegment {
            inner,
            checks,
            created,
            nothing,
        })
    }

    fn requires_scoring(&self) -> bool {
        self.inner.requires_scoring()
    }

    fn merge_fruits(
        &self,
        fruits: Vec<<Self::Child as tantivy::collector::SegmentCollector>::Fruit>,
    ) -> tantivy::Result<Self::Fruit> {
        self.inner.merge_fruits(fruits)
    }
}

impl<S: tantivy::collector::SegmentCollector> FilteredSegment<S> {
    fn accepts(&self, doc: tantivy::DocId) -> bool {
        if self.nothing {
            return false;
        }
        let checks_pass = self.checks.iter().all(|check| {
            check
                .iter()
                .any(|(column, ords)| column.first(doc).is_some_and(|o| ords.contains(&o)))
        });
        checks_pass
            && self.created.as_ref().is_none_or(|(column, from, to)| {
                column.first(doc).is_some_and(|t| t >= *from && t < *to)
            })
    }
}

impl<S: tantivy::collector::SegmentCollector> tantivy::collector::SegmentCollector
    for FilteredSegment<S>
{
    type Fruit = S::Fruit;

    fn collect(&mut self, doc: tantivy::DocId, score: tantivy::Score) {
        if self.accepts(doc) {
            self.inner.collect(doc, score);
        }
    }

    fn harvest(self) -> Self::Fruit {
        self.inner.harvest()
    }
}

/// The hits' cases, read from the store in one call and in rank order. A case the index
/// still has but the store no longer does is left out: the index never shows what the store
/// lacks.
pub async fn with_cases(
    store: &dyn seba_store::Store,
    hits: Vec<Hit>,
) -> Result<Vec<(Hit, seba_core::case::Case)>, seba_store::StoreError> {
    let ids = hits
        .iter()
        .map(|h| seba_core::ids::CaseId(h.case_id))
        .collect();
    let mut cases: std::collections::HashMap<i64, seba_core::case::Case> = store
        .cases(ids)
        .await?
        .into_iter()
        .map(|c| (c.id.0, c))
        .collect();
    Ok(hits
        .into_iter()
        .filter_map(|h| {
            let case = cases.remove(&h.case_id)?;
            Some((h, case))
        })
        .collect())
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
    fn filters_narrow_results_as_terms_or_as_checks() {
        // 0.0: every filter is checked per candidate; 1.0: every filter is a query term.
        for selectivity in [0.0, 1.0] {
            let ix = index().with_filter_selectivity(selectivity);
            let only_new = SearchRequest {
                statuses: vec!["new".into()],
                ..Default::default()
            };
            assert_eq!(ids(&ix, "taka", only_new.clone()), vec![1], "{selectivity}");
            let new_or_open = SearchRequest {
                statuses: vec!["new".into(), "open".into(), "no-such".into()],
                ..Default::default()
            };
            let mut got = ids(&ix, "taka", new_or_open);
            got.sort();
            assert_eq!(got, vec![1, 2], "{selectivity}");
            let mfs = SearchRequest {
                category: Some("mfs".into()),
                ..Default::default()
            };
            assert_eq!(ids(&ix, "টাকা", mfs), vec![1], "{selectivity}");
            let exact_category = SearchRequest {
                category: Some("mfs.pin_lock".into()),
                ..Default::default()
            };
            assert_eq!(ids(&ix, "pin", exact_category), vec![3], "{selectivity}");
            let ecommerce = SearchRequest {
                category: Some("ecommerce".into()),
                ..Default::default()
            };
            assert_eq!(ids(&ix, "taka", ecommerce), vec![2], "{selectivity}");
            let unknown = SearchRequest {
                channel: Some("fax".into()),
                ..Default::default()
            };
            assert!(ids(&ix, "taka", unknown).is_empty(), "{selectivity}");
            // Created times follow the case ids here: [2, 4) keeps 2 and 3.
            let base = 1_700_000_000_000_000;
            let window = SearchRequest {
                created_from: Some(base + 2),
                created_to: Some(base + 4),
                ..Default::default()
            };
            let mut windowed = ids(&ix, "refund", window.clone());
            windowed.extend(ids(&ix, "পিন", window.clone()));
            windowed.extend(ids(&ix, "cash out", window));
            windowed.sort();
            assert_eq!(windowed, vec![2, 3], "{selectivity}");
        }
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
