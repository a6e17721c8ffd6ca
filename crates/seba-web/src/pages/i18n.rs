//! Page texts through Project Fluent: `bn` (the default) and `en`, a few `.ftl` files each
//! (the portal's, the staff desk's, the help pages', the admin pages', the complaint
//! cell's public page …), compiled into the binary. A key missing from a language renders
//! as `⟦key⟧` and is logged, so a test that renders every page in both languages and
//! looks for `⟦` catches it; another test checks both files define the same keys.

use std::sync::LazyLock;

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};

/// A language of the pages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
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

    pub fn parse(code: &str) -> Option<Lang> {
        match code.trim().to_ascii_lowercase().as_str() {
            "bn" | "bn-bd" | "bn-in" => Some(Lang::Bn),
            "en" | "en-us" | "en-gb" | "en-bd" => Some(Lang::En),
            _ => None,
        }
    }

    pub fn other(self) -> Lang {
        match self {
            Lang::Bn => Lang::En,
            Lang::En => Lang::Bn,
        }
    }

    /// Digits in this language's script (a case number, a phone number).
    pub fn digits(self, s: &str) -> String {
        match self {
            Lang::Bn => seba_core::text::bengali_digits(s),
            Lang::En => s.to_string(),
        }
    }

    /// The one of two texts that is in this language.
    pub fn pick<'a>(self, bn: &'a str, en: &'a str) -> &'a str {
        match self {
            Lang::Bn => bn,
            Lang::En => en,
        }
    }

    /// A count as a Fluent argument: Bengali digits with lakh grouping in `bn`; a number in
    /// `en`, so that `[one]`/`[other]` plurals choose by it.
    pub fn count(self, n: i64) -> FluentValue<'static> {
        match self {
            Lang::Bn => self.int(n).into(),
            Lang::En => n.into(),
        }
    }

    /// An integer for this language: Bengali digits and lakh/crore grouping in `bn`
    /// (১২,৩৪,৫৬৭), Western grouping in `en` (1,234,567).
    pub fn int(self, n: i64) -> String {
        match self {
            Lang::Bn => seba_core::text::bengali_digits(&seba_core::text::group_lakh(n)),
            Lang::En => {
                let digits = n.unsigned_abs().to_string();
                let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 1);
                for (i, c) in digits.chars().enumerate() {
                    if i > 0 && (digits.len() - i).is_multiple_of(3) {
                        out.push(',');
                    }
                    out.push(c);
                }
                if n < 0 { format!("-{out}") } else { out }
            }
        }
    }
}

/// The `.ftl` files of each language, in the same order.
pub(crate) const BN_FTL: &[&str] = &[
    include_str!("../../i18n/bn.ftl"),
    include_str!("../../i18n/bn-desk.ftl"),
    include_str!("../../i18n/bn-help.ftl"),
    include_str!("../../i18n/bn-admin.ftl"),
    include_str!("../../i18n/bn-points.ftl"),
    include_str!("../../i18n/bn-centres.ftl"),
    include_str!("../../i18n/bn-wallet.ftl"),
    include_str!("../../i18n/bn-ussd.ftl"),
    include_str!("../../i18n/bn-claims.ftl"),
    include_str!("../../i18n/bn-claim-desk.ftl"),
    include_str!("../../i18n/bn-claim-portal.ftl"),
    include_str!("../../i18n/bn-claim-dash.ftl"),
];
pub(crate) const EN_FTL: &[&str] = &[
    include_str!("../../i18n/en.ftl"),
    include_str!("../../i18n/en-desk.ftl"),
    include_str!("../../i18n/en-help.ftl"),
    include_str!("../../i18n/en-admin.ftl"),
    include_str!("../../i18n/en-points.ftl"),
    include_str!("../../i18n/en-centres.ftl"),
    include_str!("../../i18n/en-wallet.ftl"),
    include_str!("../../i18n/en-ussd.ftl"),
    include_str!("../../i18n/en-claims.ftl"),
    include_str!("../../i18n/en-claim-desk.ftl"),
    include_str!("../../i18n/en-claim-portal.ftl"),
    include_str!("../../i18n/en-claim-dash.ftl"),
];

fn bundle(lang: Lang, sources: &[&str]) -> FluentBundle<FluentResource> {
    let id = lang.code().parse().unwrap_or_default();
    let mut bundle = FluentBundle::new_concurrent(vec![id]);
    // Text goes into HTML through maud, which escapes it; the bidi isolation marks Fluent
    // would put around arguments only clutter Bengali and English alike.
    bundle.set_use_isolating(false);
    for source in sources {
        match FluentResource::try_new(source.to_string()) {
            Ok(res) => {
                if let Err(errors) = bundle.add_resource(res) {
                    tracing::error!(lang = lang.code(), ?errors, "duplicate Fluent messages");
                }
            }
            Err((res, errors)) => {
                tracing::error!(lang = lang.code(), ?errors, "Fluent syntax errors");
                let _ = bundle.add_resource(res);
            }
        }
    }
    bundle
}

static BN: LazyLock<FluentBundle<FluentResource>> = LazyLock::new(|| bundle(Lang::Bn, BN_FTL));
static EN: LazyLock<FluentBundle<FluentResource>> = LazyLock::new(|| bundle(Lang::En, EN_FTL));

/// The text of `key` in `lang`, with arguments.
pub fn t_args(lang: Lang, key: &str, args: &[(&str, FluentValue<'_>)]) -> String {
    let bundle: &FluentBundle<FluentResource> = match lang {
        Lang::Bn => &BN,
        Lang::En => &EN,
    };
    let Some(pattern) = bundle.get_message(key).and_then(|m| m.value()) else {
        tracing::error!(lang = lang.code(), key, "missing Fluent message");
        return format!("⟦{key}⟧");
    };
    let mut fargs = FluentArgs::new();
    for (name, value) in args {
        fargs.set(*name, value.clone());
    }
    let mut errors = Vec::new();
    let text = bundle.format_pattern(pattern, Some(&fargs), &mut errors);
    if !errors.is_empty() {
        tracing::error!(lang = lang.code(), key, ?errors, "Fluent formatting errors");
    }
    text.into_owned()
}

/// The text of `key` in `lang`.
pub fn t(lang: Lang, key: &str) -> String {
    t_args(lang, key, &[])
}

/// The message ids a language's `.ftl` sources define.
#[cfg(test)]
pub(crate) fn keys(sources: &[&str]) -> Vec<String> {
    let mut keys: Vec<String> = sources
        .iter()
        .flat_map(|s| s.lines())
        .filter(|l| !l.starts_with(['#', ' ', '\t', '-']) && l.contains('='))
        .filter_map(|l| l.split('=').next())
        .map(|k| k.trim().to_string())
        .filter(|k| !k.is_empty())
        .collect();
    keys.sort();
    keys
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_languages_define_the_same_keys() {
        let (bn, en) = (keys(BN_FTL), keys(EN_FTL));
        assert!(bn.len() >= 8, "{bn:?}");
        let mut unique = bn.clone();
        unique.dedup();
        assert_eq!(unique, bn, "a key is defined twice");
        assert_eq!(bn, en);
        for k in &bn {
            assert!(!t(Lang::Bn, k).contains('⟦'), "{k}");
            assert!(!t(Lang::En, k).contains('⟦'), "{k}");
        }
    }

    #[test]
    fn every_status_has_words() {
        use seba_core::case::Status;
        for s in [
            Status::New,
            Status::Open,
            Status::PendingCustomer,
            Status::PendingThirdParty,
            Status::Resolved,
            Status::Closed,
            Status::Merged,
        ] {
            for lang in [Lang::Bn, Lang::En] {
                let words = t(lang, &format!("status-{}", s.as_str()));
                assert!(!words.contains('⟦'), "{s:?} in {lang:?}");
            }
        }
    }

    #[test]
    fn a_missing_key_is_visible() {
        assert_eq!(t(Lang::Bn, "no-such-key"), "⟦no-such-key⟧");
    }

    #[test]
    fn arguments_and_numbers() {
        let s = t_args(Lang::Bn, "hotline-body", &[("number", "১৬২৪৭".into())]);
        assert!(s.starts_with("১৬২৪৭ —"), "{s}");
        assert_eq!(Lang::Bn.int(12_345_678), "১,২৩,৪৫,৬৭৮");
        assert_eq!(Lang::En.int(12_345_678), "12,345,678");
        assert_eq!(Lang::En.int(-1000), "-1,000");
        assert_eq!(Lang::En.int(999), "999");
        assert_eq!(Lang::Bn.int(0), "০");
    }

    #[test]
    fn language_codes() {
        assert_eq!(Lang::parse("BN"), Some(Lang::Bn));
        assert_eq!(Lang::parse("en-GB"), Some(Lang::En));
        assert_eq!(Lang::parse("fr"), None);
        assert_eq!(Lang::Bn.other(), Lang::En);
    }
}
