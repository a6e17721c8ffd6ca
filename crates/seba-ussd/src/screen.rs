//! Drawing a screen: a numbered list split into pages that each fit the limit of their
//! encoding, or a prompt, in the caller's language.
//!
//! Pages are cut greedily from the first item, with the list's title on the first page,
//! any notice ("wrong choice") on every page, and the footer (`99 More`, `0 Back`) on each;
//! an item too long for a page on its own is cut with an ellipsis, so every screen fits
//! whatever the data (a long centre name, a long category).

use serde::{Deserialize, Serialize};

use crate::gsm;

/// The caller's language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    #[default]
    Bn,
    En,
}

impl Lang {
    pub fn code(self) -> &'static str {
        match self {
            Lang::Bn => "bn",
            Lang::En => "en",
        }
    }

    pub fn from_code(code: &str) -> Option<Lang> {
        match code {
            "bn" => Some(Lang::Bn),
            "en" => Some(Lang::En),
            _ => None,
        }
    }
}

/// A text in both languages. English texts keep to the GSM alphabet, so an English screen
/// holds 182 characters rather than 80.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Text {
    pub bn: String,
    pub en: String,
}

impl Text {
    pub fn new(bn: impl Into<String>, en: impl Into<String>) -> Text {
        Text {
            bn: bn.into(),
            en: en.into(),
        }
    }

    pub fn get(&self, lang: Lang) -> &str {
        match lang {
            Lang::Bn => &self.bn,
            Lang::En => &self.en,
        }
    }
}

impl From<seba_core::Bilingual> for Text {
    fn from(b: seba_core::Bilingual) -> Text {
        Text { bn: b.bn, en: b.en }
    }
}

/// The key that shows the next page.
pub const MORE: &str = "99";
/// The key that goes back a page or a screen.
pub const BACK: &str = "0";
/// The key that goes to the first menu.
pub const HOME: &str = "00";

fn more_label(lang: Lang) -> &'static str {
    match lang {
        Lang::Bn => "99 আরও",
        Lang::En => "99 More",
    }
}

fn back_label(lang: Lang) -> &'static str {
    match lang {
        Lang::Bn => "0 পিছনে",
        Lang::En => "0 Back",
    }
}

fn home_label(lang: Lang) -> &'static str {
    match lang {
        Lang::Bn => "00 শুরু",
        Lang::En => "00 Home",
    }
}

/// A list screen: what it needs to be drawn.
#[derive(Debug, Clone)]
pub struct List<'a> {
    pub lang: Lang,
    pub notice: Option<&'a str>,
    pub title: &'a str,
    /// Shown numbered from `first_number`, or as they are.
    pub items: &'a [String],
    pub numbered: bool,
    /// Whether `0 Back` is offered on the first page.
    pub back: bool,
}

impl List<'_> {
    fn line(&self, i: usize) -> String {
        if self.numbered {
            format!("{} {}", i + 1, self.items[i])
        } else {
            self.items[i].clone()
        }
    }

    fn footer(&self, last: bool) -> String {
        let mut parts = Vec::new();
        if !last {
            parts.push(more_label(self.lang));
        }
        if self.back {
            parts.push(back_label(self.lang));
        }
        parts.join(" ")
    }

    fn compose(&self, page: usize, lines: &[String], last: bool) -> String {
        let mut out: Vec<String> = Vec::new();
        if let Some(n) = self.notice {
            out.push(n.to_string());
        }
        // A notice ("wrong choice") stands in for the title: the caller has seen it.
        if page == 0 && self.notice.is_none() && !self.title.is_empty() {
            out.push(self.title.to_string());
        }
        out.extend(lines.iter().cloned());
        let footer = self.footer(last);
        if !footer.is_empty() {
            out.push(footer);
        }
        out.join("\n")
    }

    /// The item ranges of every page.
    pub fn pages(&self) -> Vec<std::ops::Range<usize>> {
        let mut pages = Vec::new();
        let mut start = 0;
        loop {
            let page = pages.len();
            let mut end = start;
            // Take items while the page (with a "more" footer unless it is the last) fits.
            while end < self.items.len() {
                let lines: Vec<String> = (start..=end).map(|i| self.line(i)).collect();
                let last = end + 1 == self.items.len();
                if gsm::fits(&self.compose(page, &lines, last)) {
                    end += 1;
                } else {
                    break;
                }
            }
            if end == start && start < self.items.len() {
                // One item alone is too long: it gets a page of its own, cut to fit.
                end = start + 1;
            }
            pages.push(start..end);
            if end >= self.items.len() {
                return pages;
            }
            start = end;
        }
    }

    /// Page `page` (clamped to the last), and how many pages there are.
    pub fn render(&self, page: usize) -> (String, usize) {
        let pages = self.pages();
        let page = page.min(pages.len() - 1);
        let range = pages[page].clone();
        let last = range.end >= self.items.len();
        let mut lines: Vec<String> = range.map(|i| self.line(i)).collect();
        let mut text = self.compose(page, &lines, last);
        if !gsm::fits(&text) {
            // Only a page of one over-long item gets here: cut that item.
            let without = self.compose(page, &[String::new()], last);
            let (used, limit) = gsm::measure(&without);
            let room = limit.saturating_sub(used);
            if let Some(line) = lines.first_mut() {
                *line = cut(line, room);
            }
            text = gsm::fit(&self.compose(page, &lines, last));
        }
        (text, pages.len())
    }
}

/// `line` cut to `room` units of its screen's encoding, with an ellipsis.
fn cut(line: &str, room: usize) -> String {
    let ucs2 = gsm::encoding(line) == gsm::Encoding::Ucs2;
    let ellipsis = if ucs2 { "…" } else { "..." };
    let mut out = String::new();
    for c in line.chars() {
        let candidate = format!("{out}{c}{ellipsis}");
        let size = if ucs2 {
            candidate.encode_utf16().count()
        } else {
            gsm::measure(&candidate).0
        };
        if size > room {
            break;
        }
        out.push(c);
    }
    out.push_str(ellipsis);
    out
}

/// A screen that asks for free input, with `0 Back  00 Home` below it.
///
/// The keys below are what gives way when a notice makes the screen too long: first
/// `00 Home`, then `0 Back` (both still work); the question itself is never cut unless it
/// alone is too long.
pub fn prompt(lang: Lang, notice: Option<&str>, text: &str, back: bool) -> String {
    let head: Vec<String> = notice
        .into_iter()
        .map(str::to_string)
        .chain(std::iter::once(text.to_string()))
        .collect();
    let footers: &[String] = &if back {
        vec![
            format!("{} {}", back_label(lang), home_label(lang)),
            back_label(lang).to_string(),
        ]
    } else {
        vec![]
    };
    for footer in footers {
        let candidate = format!("{}\n{footer}", head.join("\n"));
        if gsm::fits(&candidate) {
            return candidate;
        }
    }
    gsm::fit(&head.join("\n"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn items(n: usize, label: &str) -> Vec<String> {
        (0..n).map(|i| format!("{label} {i}")).collect()
    }

    #[test]
    fn a_long_list_pages_and_every_page_fits() {
        for lang in [Lang::Bn, Lang::En] {
            let its = items(
                40,
                if lang == Lang::Bn {
                    "উপজেলা"
                } else {
                    "Upazila"
                },
            );
            let list = List {
                lang,
                notice: Some("ভুল"),
                title: "বেছে নিন",
                items: &its,
                numbered: true,
                back: true,
            };
            let pages = list.pages();
            assert!(pages.len() > 1);
            // Every item is on exactly one page, in order.
            let flat: Vec<usize> = pages.iter().flat_map(|r| r.clone()).collect();
            assert_eq!(flat, (0..40).collect::<Vec<_>>());
            for p in 0..pages.len() {
                let (text, _) = list.render(p);
                assert!(gsm::fits(&text), "{text}");
                assert_eq!(text.contains("99 "), p + 1 < pages.len(), "{text}");
            }
        }
    }

    #[test]
    fn an_over_long_item_is_cut_to_fit() {
        let its = vec!["x".repeat(400), "short".into()];
        let list = List {
            lang: Lang::En,
            notice: None,
            title: "T",
            items: &its,
            numbered: true,
            back: false,
        };
        let (first, pages) = list.render(0);
        assert_eq!(pages, 2);
        assert!(gsm::fits(&first) && first.contains("...") && first.ends_with("99 More"));
    }
}
