//! Help for customers: the FAQ (articles in Bengali and English, searchable in either
//! script with the search engine's analyzer), and, for admins, the editors of the FAQ
//! and of the agents' canned responses.
//!
//! The FAQ is small (tens of articles), so it is searched in memory: each article's title,
//! tags and body are analyzed once per version and kept; a query's words score by the
//! best way they match (the word itself, its stem, its meaning, its sound) times where
//! (title over tags over body). "pin reset", "পিন রিসেট" and "pin bhule gechi" find the
//! same article.

use std::collections::HashMap;
use std::sync::{Arc, LazyLock, Mutex};

use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::routing::get;
use fluent_bundle::FluentValue;
use maud::{Markup, html};
use serde::Deserialize;

use seba_store::Article;

use super::{Lang, failed_page, lang_of, page, t, t_args, with_status};
use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/help", get(list))
        .route("/help/{slug}", get(article))
}

/// An article's analyzed terms and the best weight each is found with.
type Terms = HashMap<String, f32>;

/// Analyzed articles by slug and a fingerprint of their text: an edit makes a new entry;
/// old ones are dropped when the cache outgrows the FAQ. The version alone does not name a
/// text: a deleted article's slug may be reused, starting again at version 1.
type Cache = Mutex<HashMap<(String, u64), Arc<Terms>>>;

static ANALYZED: LazyLock<Cache> = LazyLock::new(|| Mutex::new(HashMap::new()));

fn fingerprint(a: &Article) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    (&a.title_bn, &a.title_en, &a.tags, &a.body_bn, &a.body_en).hash(&mut h);
    h.finish()
}

fn analyzed(a: &Article) -> Arc<Terms> {
    let key = (a.slug.clone(), fingerprint(a));
    if let Ok(cache) = ANALYZED.lock()
        && let Some(terms) = cache.get(&key)
    {
        return terms.clone();
    }
    let mut terms = Terms::new();
    let tags = a.tags.join(" ");
    for (text, weight) in [
        (a.title_bn.as_str(), 3.0),
        (a.title_en.as_str(), 3.0),
        (tags.as_str(), 2.0),
        (a.body_bn.as_str(), 1.0),
        (a.body_en.as_str(), 1.0),
    ] {
        for token in seba_search::analyze(text) {
            let w = terms.entry(token.term).or_insert(0.0);
            *w = w.max(weight);
        }
    }
    let terms = Arc::new(terms);
    if let Ok(mut cache) = ANALYZED.lock() {
        if cache.len() > 1_000 {
            cache.clear();
        }
        cache.insert(key, terms.clone());
    }
    terms
}

/// The articles matching `query`, best first (only those that match at all).
pub fn search<'a>(articles: &'a [Article], query: &str) -> Vec<&'a Article> {
    let intent = seba_search::analyze_query(query);
    if intent.terms.is_empty() {
        return vec![];
    }
    let mut scored: Vec<(f32, &Article)> = articles
        .iter()
        .filter_map(|a| {
            let terms = analyzed(a);
            let mut score = 0.0f32;
            let mut needed_missing = 0;
            for q in &intent.terms {
                let best = q
                    .alternatives
                    .iter()
                    .filter_map(|alt| terms.get(&alt.term).map(|w| w * alt.weight))
                    .fold(0.0f32, f32::max);
                if best == 0.0 && !q.optional {
                    needed_missing += 1;
                }
                score += best;
            }
            // Every word that matters should match; one miss in a long query is forgiven.
            let allowed = usize::from(intent.terms.len() >= 3);
            (score > 0.0 && needed_missing <= allowed).then_some((score, a))
        })
        .collect();
    scored.sort_by(|x, y| {
        y.0.total_cmp(&x.0)
            .then_with(|| x.1.position.cmp(&y.1.position))
    });
    scored.into_iter().map(|(_, a)| a).collect()
}

#[derive(Debug, Default, Deserialize)]
pub struct HelpQuery {
    #[serde(default)]
    q: String,
}

fn paragraphs(text: &str) -> Markup {
    html! {
        @for p in text.split("\n\n").map(str::trim).filter(|p| !p.is_empty()) {
            p { (p) }
        }
    }
}

fn search_form(lang: Lang, q: &str) -> Markup {
    html! {
        form method="get" action="/help" role="search" {
            p {
                label for="q" { (t(lang, "help-search-label")) }
                br;
                input id="q" name="q" type="search" value=(q) maxlength="200"
                    placeholder=(t(lang, "help-search-placeholder"));
            }
            p { button type="submit" { (t(lang, "help-search-go")) } }
        }
    }
}

/// `GET /help?q=…`: the FAQ, or the articles matching a question.
pub async fn list(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<HelpQuery>,
) -> Response {
    let lang = lang_of(&headers);
    let articles = match state.app.store.articles(false).await {
        Ok(a) => a,
        Err(e) => return failed_page(lang, "/help", e.into()),
    };
    let query: String = q.q.trim().chars().take(200).collect();
    let shown: Vec<&Article> = if query.is_empty() {
        articles.iter().collect()
    } else {
        search(&articles, &query)
    };
    let hotline = lang.digits(&state.hotline);
    // English picks "answer" or "answers" by the number; Bengali has one form, in its digits.
    let count: FluentValue<'_> = match lang {
        Lang::En => (shown.len() as i64).into(),
        Lang::Bn => lang.int(shown.len() as i64).into(),
    };
    let body = html! {
        h1 { (t(lang, "help-title")) }
        (search_form(lang, &query))
        @if !query.is_empty() {
            p { (t_args(lang, "help-found", &[("count", count)])) }
        }
        @if shown.is_empty() && !query.is_empty() {
            section.card {
                p { (t(lang, "help-nothing")) }
                p.actions {
                    a.button href="/complaints/new" { (t(lang, "nav-file")) }
                }
                p { (t_args(lang, "hotline-body", &[("number", hotline.clone().into())])) }
            }
        }
        ul.faq {
            @for a in &shown {
                li { a href=(format!("/help/{}", a.slug)) { (lang.pick(&a.title_bn, &a.title_en)) } }
            }
        }
    };
    page(lang, "/help", &t(lang, "help-title"), body)
}

/// `GET /help/{slug}`: one article.
pub async fn article(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(slug): Path<String>,
) -> Response {
    let lang = lang_of(&headers);
    let found = match state.app.store.article(&slug).await {
        Ok(a) => a.filter(|a| a.published),
        Err(e) => return failed_page(lang, "/help", e.into()),
    };
    let Some(a) = found else {
        let body = html! {
            h1 { (t(lang, "help-missing")) }
            p { a href="/help" { (t(lang, "help-back")) } }
        };
        return with_status(
            page(lang, "/help", &t(lang, "help-missing"), body),
            StatusCode::NOT_FOUND,
        );
    };
    let title = lang.pick(&a.title_bn, &a.title_en).to_string();
    let body = html! {
        p { a href="/help" { "← " (t(lang, "help-back")) } }
        article.card {
            h1 { (title) }
            (paragraphs(lang.pick(&a.body_bn, &a.body_en)))
        }
        section.card {
            p { (t(lang, "help-still")) }
            p.actions {
                a.button href="/complaints/new" { (t(lang, "nav-file")) }
                " "
                a.button.secondary href="/track" { (t(lang, "nav-track")) }
            }
        }
    };
    page(lang, &format!("/help/{}", a.slug), &title, body)
}
