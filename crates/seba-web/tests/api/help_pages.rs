//! The help centre's pages: the FAQ customers read and search (`/help`), the admins'
//! editors of articles and canned responses, a canned response put into an agent's reply,
//! the satisfaction rating under a resolved case, and who else is on a case page.

use reqwest::Method;

use seba_core::bilingual::Explain;
use seba_core::case::{InputError, UnknownCode};
use seba_core::text::bengali_digits;
use seba_store::{Article, Canned};
use seba_web::pages::{Lang, t_args};

use crate::common::{
    DeskSession, TestApp, case_body, cookie_pair, form_cookie_and_token, header_text, hidden_field,
    no_redirects, number, submit_form,
};

both_engines! {
    admins_edit_the_faq_customers_read => sqlite_admins_edit_the_faq_customers_read, postgres_admins_edit_the_faq_customers_read;
    canned_responses_fill_the_reply_box => sqlite_canned_responses_fill_the_reply_box, postgres_canned_responses_fill_the_reply_box;
    a_customer_rates_a_resolved_case_once => sqlite_a_customer_rates_a_resolved_case_once, postgres_a_customer_rates_a_resolved_case_once;
    agents_see_who_else_is_on_a_case => sqlite_agents_see_who_else_is_on_a_case, postgres_agents_see_who_else_is_on_a_case;
}

sqlite_only! {
    the_faq_lists_and_finds_the_seeded_articles => sqlite_the_faq_lists_and_finds_the_seeded_articles;
    the_editors_are_for_admins_only => sqlite_the_editors_are_for_admins_only;
}

// ---------------------------------------------------------------------------------------
// Reading pages

/// Text as maud writes it into HTML.
fn escaped(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// `GET path` as a customer in `lang`: status and body.
async fn public_get(t: &TestApp, path: &str, query: &[(&str, &str)], lang: &str) -> (u16, String) {
    let a = TestApp::send(
        t.anon(Method::GET, path)
            .query(query)
            .header("accept-language", lang),
    )
    .await;
    (a.status.as_u16(), a.text)
}

/// The slugs the FAQ list links to, in the order shown.
fn listed(html: &str) -> Vec<String> {
    let Some(list) = html
        .split("<ul class=\"faq\">")
        .nth(1)
        .and_then(|s| s.split("</ul>").next())
    else {
        panic!("no FAQ list in {html}");
    };
    list.split("href=\"/help/")
        .skip(1)
        .filter_map(|s| s.split('"').next())
        .map(str::to_string)
        .collect()
}

/// The page's stylesheet and the page itself stay under 60 KB together.
async fn assert_light(t: &TestApp, path: &str, html: &str) {
    let css = html
        .split("href=\"")
        .find(|s| s.starts_with("/static/"))
        .and_then(|s| s.split('"').next())
        .expect("a stylesheet link")
        .to_string();
    let sheet = TestApp::send(t.anon(Method::GET, &css)).await;
    sheet.expect(200);
    let weight = html.len() + sheet.text.len();
    assert!(weight <= 60 * 1024, "{path}: {weight} bytes");
}

/// A page text as the HTML carries it.
fn text(lang: Lang, key: &str) -> String {
    escaped(&seba_web::pages::t(lang, key))
}

fn lang_of(code: &str) -> Lang {
    Lang::parse(code).expect("bn or en")
}

// ---------------------------------------------------------------------------------------
// 1. The FAQ

async fn the_faq_lists_and_finds_the_seeded_articles(t: TestApp) {
    let seeded = t.app.articles(true).await.expect("articles");
    assert!(seeded.len() >= 5, "the defaults are seeded: {seeded:?}");
    let slugs: Vec<String> = seeded.iter().map(|a| a.slug.clone()).collect();

    for code in ["bn", "en"] {
        let lang = lang_of(code);
        let (status, html) = public_get(&t, "/help", &[], code).await;
        assert_eq!(status, 200, "{html}");
        assert!(html.contains(&format!("<html lang=\"{code}\">")), "{html}");
        assert!(!html.contains('⟦'), "a Fluent key is missing: {html}");
        assert!(html.contains(&text(lang, "help-title")));
        assert_eq!(listed(&html), slugs, "every published article, in order");
        for a in &seeded {
            let title = lang.pick(&a.title_bn, &a.title_en);
            assert!(html.contains(&escaped(title)), "{code}: {title}");
        }
        // The other language's titles are not mixed in.
        let other = seeded[0].title_en.as_str();
        assert_eq!(html.contains(&escaped(other)), code == "en");
        assert_light(&t, "/help", &html).await;

        // One article: its paragraphs in the page's language, and the ways on.
        let a = &seeded[0];
        let path = format!("/help/{}", a.slug);
        let (status, page) = public_get(&t, &path, &[], code).await;
        assert_eq!(status, 200, "{page}");
        assert!(!page.contains('⟦'), "a Fluent key is missing: {page}");
        let body = lang.pick(&a.body_bn, &a.body_en);
        let paragraphs: Vec<&str> = body.split("\n\n").collect();
        assert!(paragraphs.len() >= 2, "{body}");
        for p in &paragraphs {
            assert!(
                page.contains(&format!("<p>{}</p>", escaped(p.trim()))),
                "{code}: paragraph {p:?} in {page}"
            );
        }
        assert!(page.contains("href=\"/complaints/new\"") && page.contains("href=\"/track\""));
        assert_light(&t, &path, &page).await;

        // Unknown: a 404 page that leads back.
        let (status, page) = public_get(&t, "/help/no-such-article", &[], code).await;
        assert_eq!(status, 404, "{page}");
        assert!(page.contains(&text(lang, "help-missing")), "{page}");
        assert!(page.contains("href=\"/help\""));
    }

    // Questions in either script, in either page language, find the right article first.
    for (q, code, slug) in [
        ("pin", "bn", "reset-pin"),
        ("PIN", "en", "reset-pin"),
        ("পিন", "en", "reset-pin"),
        ("পিন", "bn", "reset-pin"),
        ("pin reset", "en", "reset-pin"),
        ("পিন রিসেট", "bn", "reset-pin"),
        ("ভুল নম্বরে টাকা", "bn", "wrong-number"),
        ("wrong number", "en", "wrong-number"),
        ("wrong number", "bn", "wrong-number"),
        ("hotline hours", "en", "hours"),
    ] {
        let (status, html) = public_get(&t, "/help", &[("q", q)], code).await;
        assert_eq!(status, 200, "{q}: {html}");
        let found = listed(&html);
        assert_eq!(
            found.first().map(String::as_str),
            Some(slug),
            "{q} ({code}): {found:?}"
        );
        let lang = lang_of(code);
        let count = match lang {
            Lang::Bn => format!("{}টি উত্তর পাওয়া গেছে", Lang::Bn.int(found.len() as i64)),
            Lang::En if found.len() == 1 => "1 answer found".to_string(),
            Lang::En => format!("{} answers found", found.len()),
        };
        assert!(
            html.contains(&format!("<p>{count}</p>")),
            "{q}: the count {count:?}"
        );
        assert!(!html.contains(&text(lang, "help-nothing")), "{q}");
        // The question stays in the box.
        assert!(html.contains(&format!("value=\"{}\"", escaped(q))), "{q}");
    }

    // Nothing found: say so, and offer the complaint form and the hotline.
    for code in ["bn", "en"] {
        let lang = lang_of(code);
        let nonsense = "\"><script>alert(1)</script> qxjzvwk";
        let (status, html) = public_get(&t, "/help", &[("q", nonsense)], code).await;
        assert_eq!(status, 200, "{html}");
        assert!(listed(&html).is_empty(), "{html}");
        let nothing = text(lang, "help-nothing");
        let after = html
            .split(&nothing)
            .nth(1)
            .unwrap_or_else(|| panic!("{code}: no 'nothing found' in {html}"));
        assert!(after.contains("href=\"/complaints/new\""), "{after}");
        assert!(
            after.contains(&lang.digits("16247")),
            "the hotline: {after}"
        );
        assert!(
            !html.contains("<script>alert(1)"),
            "the question is escaped"
        );
        let zero = lang.pick("০টি উত্তর পাওয়া গেছে", "0 answers found");
        assert!(html.contains(&format!("<p>{zero}</p>")), "{zero}");
    }
}

// ---------------------------------------------------------------------------------------
// 2. The editors

/// The editors' forms and their delete buttons.
const FAQ: &str = "/admin/faq";
const FAQ_DELETE: &str = "/admin/faq/delete";
const CANNED: &str = "/admin/canned";
const CANNED_DELETE: &str = "/admin/canned/delete";

/// An article's editor fields; `published` is a checkbox, sent only when ticked.
fn article_form(
    key: &str,
    version: &str,
    title_en: &str,
    body_en: &str,
    published: bool,
) -> Vec<(&'static str, String)> {
    let mut f = vec![
        ("key", key.to_string()),
        ("version", version.to_string()),
        ("title_bn", "মোবাইল রিচার্জ".to_string()),
        ("title_en", title_en.to_string()),
        (
            "body_bn",
            "রিচার্জ করতে *247# ডায়াল করুন।\r\n\r\nকার্ডের টাকা কাটা গেলে জানান।".to_string(),
        ),
        ("body_en", body_en.to_string()),
        ("tags", "recharge, রিচার্জ".to_string()),
        ("position", "৫".to_string()),
    ];
    if published {
        f.push(("published", "1".to_string()));
    }
    f
}

/// An article as stored, if it is.
async fn stored(t: &TestApp, slug: &str) -> Option<Article> {
    t.app.article(slug).await.expect("read")
}

/// A canned response as stored, if it is.
async fn stored_canned(t: &TestApp, code: &str) -> Option<Canned> {
    t.app.canned_one(code).await.expect("read")
}

/// The slugs a FAQ search lists first to last, and its page.
async fn search(t: &TestApp, q: &str, lang: &str) -> (Vec<String>, String) {
    let (_, html) = public_get(t, "/help", &[("q", q)], lang).await;
    (listed(&html), html)
}

async fn admins_edit_the_faq_customers_read(t: TestApp) {
    let admin = t.desk_login(&t.admin).await;
    let slug = "mobile-recharge";
    let before = t.app.articles(false).await.expect("articles").len();

    // A blank editor.
    let (status, html, _) = admin.get("/admin/faq/edit", "en").await;
    assert_eq!(status, 200, "{html}");
    assert!(!html.contains('⟦'), "a Fluent key is missing: {html}");
    assert!(html.contains("name=\"key\"") && html.contains("name=\"body_bn\""));
    assert_eq!(hidden_field(&html, "version"), "");

    // Created and published: on the admin list and the customers' FAQ, found by its words.
    let body_en =
        "Recharge airtime with a kangaroo voucher.\n\nTell us if the card was charged twice.";
    let form = article_form(slug, "", "Mobile recharge", body_en, true);
    let (status, location, body) = admin.post_in(FAQ, &form, "en").await;
    assert_eq!(status, 303, "{body}");
    assert_eq!(location, "/admin/faq?saved=1");
    let a = stored(&t, slug).await.expect("saved");
    assert_eq!((a.version, a.position, a.published), (1, 5, true));
    assert_eq!(
        a.body_bn,
        "রিচার্জ করতে *247# ডায়াল করুন।\n\nকার্ডের টাকা কাটা গেলে জানান।"
    );
    assert_eq!(a.tags, ["recharge", "রিচার্জ"]);
    let (_, list, _) = admin.get("/admin/faq?saved=1", "en").await;
    assert!(
        list.contains(&format!("/admin/faq/edit?slug={slug}")),
        "{list}"
    );
    assert!(list.contains("role=\"status\""), "saved notice");

    let (_, faq) = public_get(&t, "/help", &[], "en").await;
    assert_eq!(
        listed(&faq).first().map(String::as_str),
        Some(slug),
        "position 5 comes first"
    );
    let (status, page) = public_get(&t, &format!("/help/{slug}"), &[], "bn").await;
    assert_eq!(status, 200);
    assert!(page.contains("<p>কার্ডের টাকা কাটা গেলে জানান।</p>"), "{page}");
    for (q, code) in [("kangaroo", "en"), ("kangaroo", "bn"), ("ডায়াল রিচার্জ", "bn")]
    {
        let (found, html) = search(&t, q, code).await;
        assert_eq!(found.first().map(String::as_str), Some(slug), "{q}: {html}");
    }
    // One answer, in words each language gets right.
    let (_, found) = search(&t, "kangaroo", "en").await;
    assert!(found.contains("<p>1 answer found</p>"), "{found}");
    let (_, found) = search(&t, "kangaroo", "bn").await;
    assert!(found.contains("<p>১টি উত্তর পাওয়া গেছে</p>"), "{found}");

    // Unpublished: gone from the FAQ, its page and its search, but kept for the admins.
    let (_, edit, _) = admin
        .get(&format!("/admin/faq/edit?slug={slug}"), "en")
        .await;
    let v1 = hidden_field(&edit, "version");
    assert_eq!(v1, "1");
    assert!(edit.contains("checked"), "published is ticked: {edit}");
    let form = article_form(slug, &v1, "Mobile recharge", body_en, false);
    let (status, _, body) = admin.post_in(FAQ, &form, "en").await;
    assert_eq!(status, 303, "{body}");
    let a = stored(&t, slug).await.expect("kept");
    assert_eq!((a.version, a.published), (2, false));
    let (_, faq) = public_get(&t, "/help", &[], "bn").await;
    assert!(!listed(&faq).contains(&slug.to_string()), "{faq}");
    let (status, _) = public_get(&t, &format!("/help/{slug}"), &[], "en").await;
    assert_eq!(status, 404);
    let (found, html) = search(&t, "kangaroo", "en").await;
    assert!(found.is_empty(), "{html}");
    let (_, list, _) = admin.get(FAQ, "en").await;
    assert!(
        list.contains(&format!("/admin/faq/edit?slug={slug}")),
        "still listed for admins"
    );

    // A save drawn from version 1 after version 2: refused, nothing changed.
    let form = article_form(slug, &v1, "Overwritten title", body_en, true);
    let (status, _, body) = admin.post_in(FAQ, &form, "en").await;
    assert_eq!(status, 409, "{body}");
    assert!(body.contains(&text(Lang::En, "content-stale")), "{body}");
    assert!(body.contains("Overwritten title"), "what was typed is kept");
    let a = stored(&t, slug).await.expect("kept");
    assert_eq!(
        (a.version, a.published, a.title_en.as_str()),
        (2, false, "Mobile recharge")
    );

    // Published again from the current version, given in Bengali digits.
    let form = article_form(slug, "২", "Mobile recharge", body_en, true);
    let (status, _, body) = admin.post_in(FAQ, &form, "bn").await;
    assert_eq!(status, 303, "{body}");
    assert_eq!(stored(&t, slug).await.map(|a| a.version), Some(3));

    // A slug that cannot be an address: refused in the admin's language, nothing saved.
    let form = article_form("Hello World!", "", "Greeting", "Hello there.", true);
    for code in ["bn", "en"] {
        let (status, _, body) = admin.post_in(FAQ, &form, code).await;
        assert_eq!(status, 422, "{body}");
        let why = InputError::Code(UnknownCode {
            kind: "slug",
            code: "hello world!".into(),
        })
        .explain();
        let text = lang_of(code).pick(&why.bn, &why.en);
        assert!(body.contains("role=\"alert\""), "{body}");
        assert!(body.contains(&escaped(text)), "{code}: {text:?} in {body}");
        assert!(
            body.contains("value=\"Hello World!\""),
            "the slug typed is kept"
        );
        assert!(body.contains(&format!("<html lang=\"{code}\">")));
    }
    assert!(stored(&t, "hello-world").await.is_none());
    assert_eq!(
        t.app.articles(false).await.expect("articles").len(),
        before + 1
    );

    // A new article at a taken slug: refused, the old one untouched.
    let form = article_form(slug, "", "Taken", "Another text.", true);
    let (status, _, body) = admin.post_in(FAQ, &form, "en").await;
    assert_eq!(status, 409, "{body}");
    assert!(body.contains(&text(Lang::En, "content-exists")), "{body}");
    let a = stored(&t, slug).await.expect("kept");
    assert_eq!((a.version, a.title_en.as_str()), (3, "Mobile recharge"));

    // A forged form: refused, nothing saved.
    let mut forged = article_form("forged-article", "", "Forged", "Forged text.", true);
    forged.push(("csrf", "forged-token-0000000000000000".to_string()));
    let (status, _, _) = admin.post_in(FAQ, &forged, "en").await;
    assert_eq!(status, 403);
    assert!(stored(&t, "forged-article").await.is_none());
    let forged = [("key", slug), ("csrf", "")];
    let (status, _, _) = admin.post_in(FAQ_DELETE, &forged, "en").await;
    assert_eq!(status, 403);
    assert!(stored(&t, slug).await.is_some(), "not deleted");

    // Deleted: gone everywhere; a second delete finds nothing.
    let (status, location, body) = admin.post_in(FAQ_DELETE, &[("key", slug)], "en").await;
    assert_eq!(status, 303, "{body}");
    assert_eq!(location, "/admin/faq?saved=1");
    assert!(stored(&t, slug).await.is_none());
    let (status, _) = public_get(&t, &format!("/help/{slug}"), &[], "bn").await;
    assert_eq!(status, 404);
    let (status, _, _) = admin.post_in(FAQ_DELETE, &[("key", slug)], "en").await;
    assert_eq!(status, 404);
    let (status, _, _) = admin
        .get(&format!("/admin/faq/edit?slug={slug}"), "en")
        .await;
    assert_eq!(status, 404);

    // The slug reused for a different text: the search reads the new text, not the old.
    let walrus = "Recharge airtime with a walrus card.";
    let form = article_form(slug, "", "Mobile recharge", walrus, true);
    let (status, _, body) = admin.post_in(FAQ, &form, "en").await;
    assert_eq!(status, 303, "{body}");
    assert_eq!(stored(&t, slug).await.map(|a| a.version), Some(1));
    let (found, html) = search(&t, "walrus", "en").await;
    assert_eq!(
        found.first().map(String::as_str),
        Some(slug),
        "the new text is searched: {html}"
    );
    let (found, html) = search(&t, "kangaroo", "en").await;
    assert!(found.is_empty(), "the old text is not: {html}");

    // Every change is on the article's audit chain, by the admin.
    let events = t.audit_events(&format!("article:{slug}")).await;
    assert_eq!(
        events.iter().map(|e| e.action.as_str()).collect::<Vec<_>>(),
        [
            "article.saved",
            "article.saved",
            "article.saved",
            "article.deleted",
            "article.saved"
        ]
    );
    assert!(events.iter().all(|e| e.actor != "system"), "{events:?}");
}

async fn the_editors_are_for_admins_only(t: TestApp) {
    let editors = [
        FAQ,
        "/admin/faq/edit",
        "/admin/faq/edit?slug=reset-pin",
        CANNED,
        "/admin/canned/edit",
        "/admin/canned/edit?code=ack",
    ];
    let admin = t.desk_login(&t.admin).await;
    for path in editors {
        for lang in ["bn", "en"] {
            admin.page(path, lang).await;
        }
    }
    let (_, html, _) = admin.get("/admin/canned/edit?code=ack", "en").await;
    assert!(
        html.contains("{customer_name}"),
        "the placeholders are named: {html}"
    );
    let (status, _, _) = admin
        .get("/admin/canned/edit?code=no-such-code", "en")
        .await;
    assert_eq!(status, 404);

    let reset = stored(&t, "reset-pin").await.expect("seeded");
    let article = article_form("agents-article", "", "By an agent", "Text.", true);
    let overwrite = article_form("reset-pin", "1", "Overwritten", "Overwritten.", true);
    let forms = [
        (FAQ, article),
        (FAQ, overwrite),
        (FAQ_DELETE, vec![("key", "reset-pin".to_string())]),
        (CANNED, canned_form("agents-canned", "", "লেখা", "Text")),
        (CANNED_DELETE, vec![("key", "ack".to_string())]),
    ];
    for who in [&t.agent, &t.supervisor, &t.auditor] {
        let desk = t.desk_login(who).await;
        for path in editors {
            let (status, html, _) = desk.get(path, "en").await;
            assert_eq!(status, 403, "{} GET {path}", who.username);
            assert!(
                html.contains(&text(Lang::En, "desk-forbidden-title")),
                "{html}"
            );
        }
        for (path, fields) in &forms {
            let (status, _, _) = desk.post_in(path, fields, "en").await;
            assert_eq!(status, 403, "{} POST {path}", who.username);
        }
        assert!(stored(&t, "agents-article").await.is_none());
        assert_eq!(stored(&t, "reset-pin").await, Some(reset.clone()));
        assert!(stored_canned(&t, "agents-canned").await.is_none());
        assert!(stored_canned(&t, "ack").await.is_some());
    }
}

// ---------------------------------------------------------------------------------------
// Canned responses in the reply box

/// The reply box's text on a case page.
fn reply_box(html: &str) -> String {
    html.split("id=\"reply-body\"")
        .nth(1)
        .and_then(|s| s.split_once('>'))
        .and_then(|(_, s)| s.split("</textarea>").next())
        .unwrap_or_else(|| panic!("no reply box in {html}"))
        .to_string()
}

fn canned_form(
    code: &str,
    version: &str,
    body_bn: &str,
    body_en: &str,
) -> Vec<(&'static str, String)> {
    vec![
        ("key", code.to_string()),
        ("version", version.to_string()),
        ("title_bn", "কেস দেখা হচ্ছে".to_string()),
        ("title_en", "We are on it".to_string()),
        ("body_bn", body_bn.to_string()),
        ("body_en", body_en.to_string()),
    ]
}

async fn canned_responses_fill_the_reply_box(t: TestApp) {
    let admin = t.desk_login(&t.admin).await;
    let code = "on-it";
    let body_bn =
        "প্রিয় {customer_name}, আপনার কেস {case_number} আমরা দেখছি।\r\n\r\n— {agent_name} {unknown}";
    let body_en = "Dear {customer_name}, we are on case {case_number}.\n\n— {agent_name}";
    let form = canned_form(code, "", body_bn, body_en);
    let (status, location, body) = admin.post_in(CANNED, &form, "en").await;
    assert_eq!(status, 303, "{body}");
    assert_eq!(location, "/admin/canned?saved=1");
    let (_, list, _) = admin.get(CANNED, "en").await;
    assert!(
        list.contains(&format!("/admin/canned/edit?code={code}")),
        "{list}"
    );

    let case = t
        .create_case(&t.supervisor, &case_body("01712345678", "ভুল নম্বরে ২০০০ টাকা"))
        .await;
    let n = number(&case);
    let path = format!("/agent/cases/{n}");
    let agent = t.desk_login(&t.agent).await;

    // Offered on the case page; picked, it fills the reply box in the page's language.
    let (status, page, _) = agent.get(&path, "bn").await;
    assert_eq!(status, 200);
    assert!(page.contains(&format!("option value=\"{code}\"")), "{page}");
    assert_eq!(reply_box(&page), "", "empty until picked");

    let (status, page, _) = agent.get(&format!("{path}?canned={code}"), "bn").await;
    assert_eq!(status, 200, "{page}");
    assert_eq!(
        reply_box(&page),
        format!(
            "প্রিয় রহিম উদ্দিন, আপনার কেস {} আমরা দেখছি।\n\n— রহিমা খাতুন {{unknown}}",
            bengali_digits(&n)
        )
    );
    let (_, page, _) = agent.get(&format!("{path}?canned={code}"), "en").await;
    assert_eq!(
        reply_box(&page),
        format!("Dear রহিম উদ্দিন, we are on case {n}.\n\n— রহিমা খাতুন")
    );
    // An unknown code leaves the box empty.
    let (status, page, _) = agent
        .get(&format!("{path}?canned=no-such-code"), "en")
        .await;
    assert_eq!(status, 200);
    assert_eq!(reply_box(&page), "");

    // Edited: the agents get the new text at once.
    let (_, edit, _) = admin
        .get(&format!("/admin/canned/edit?code={code}"), "en")
        .await;
    let version = hidden_field(&edit, "version");
    assert_eq!(version, "1");
    let hello = "Hello {customer_name}, case {case_number}.";
    let form = canned_form(code, &version, body_bn, hello);
    let (status, _, body) = admin.post_in(CANNED, &form, "en").await;
    assert_eq!(status, 303, "{body}");
    let (_, page, _) = agent.get(&format!("{path}?canned={code}"), "en").await;
    assert_eq!(reply_box(&page), format!("Hello রহিম উদ্দিন, case {n}."));
    // A stale save is refused.
    let form = canned_form(code, &version, body_bn, "Stale {customer_name}.");
    let (status, _, _) = admin.post_in(CANNED, &form, "en").await;
    assert_eq!(status, 409);
    let kept = stored_canned(&t, code).await.expect("kept");
    assert_eq!(kept.body_en, hello);

    // Deleted: no longer offered, and asking for it fills nothing.
    let (status, _, _) = admin.post_in(CANNED_DELETE, &[("key", code)], "en").await;
    assert_eq!(status, 303);
    let (_, page, _) = agent.get(&format!("{path}?canned={code}"), "en").await;
    assert!(!page.contains(&format!("option value=\"{code}\"")));
    assert_eq!(reply_box(&page), "");
}

// ---------------------------------------------------------------------------------------
// 3. The customer's rating

/// A customer's browser on the tracking pages: the form cookie and its token, and the
/// view pass.
struct Tracker {
    cookies: String,
    csrf: String,
}

/// Track `number` through `/track` and `/track/verify`, as a customer would.
async fn track(t: &TestApp, number: &str, msisdn: &str) -> Tracker {
    let http = no_redirects();
    let (form, csrf) = form_cookie_and_token(&http, &format!("{}/track", t.base)).await;
    let res = http
        .post(format!("{}/track", t.base))
        .header("cookie", &form)
        .form(&[
            ("number", number),
            ("msisdn", msisdn),
            ("csrf", csrf.as_str()),
        ])
        .send()
        .await
        .expect("POST /track");
    assert_eq!(res.status().as_u16(), 200);
    let challenge = hidden_field(&res.text().await.expect("html"), "challenge");
    let code = t.sms_code(&challenge).await;
    let res = http
        .post(format!("{}/track/verify", t.base))
        .header("cookie", &form)
        .form(&[
            ("challenge", challenge.as_str()),
            ("code", code.as_str()),
            ("csrf", csrf.as_str()),
        ])
        .send()
        .await
        .expect("POST /track/verify");
    assert_eq!(res.status().as_u16(), 303);
    let view = cookie_pair(&res, "seba_view").expect("the view pass");
    Tracker {
        cookies: format!("{form}; {view}"),
        csrf,
    }
}

impl Tracker {
    async fn page(&self, t: &TestApp, path: &str, lang: &str) -> (u16, String) {
        let a = TestApp::send(
            t.anon(Method::GET, path)
                .header("cookie", &self.cookies)
                .header("accept-language", lang),
        )
        .await;
        (a.status.as_u16(), a.text)
    }

    /// `POST /track/rate`: status, location and body.
    async fn rate(
        &self,
        t: &TestApp,
        fields: &[(&str, &str)],
        lang: &str,
    ) -> (u16, String, String) {
        let rb = no_redirects()
            .post(format!("{}/track/rate", t.base))
            .header("cookie", &self.cookies)
            .header("accept-language", lang);
        submit_form(rb, &self.csrf, fields).await
    }
}

const RATE_FORM: &str = "action=\"/track/rate\"";

/// The rating form's own idempotency key.
fn rate_key(html: &str) -> String {
    let form = html
        .split(RATE_FORM)
        .nth(1)
        .and_then(|s| s.split("</form>").next())
        .unwrap_or_else(|| panic!("no rating form in {html}"));
    let key = hidden_field(form, "key");
    assert!(key.len() >= 16, "a key per form: {key:?}");
    key
}

async fn a_customer_rates_a_resolved_case_once(t: TestApp) {
    let msisdn = "01712345678";
    let case = t
        .create_case(&t.agent, &case_body(msisdn, "ভুল নম্বরে ৫০০ টাকা চলে গেছে"))
        .await;
    let n = number(&case);
    let id = TestApp::id_of(&n);
    let customer = track(&t, &n, msisdn).await;

    // Not resolved yet: nothing to rate, and a rating sent anyway is refused.
    let (status, html) = customer.page(&t, "/track/case", "bn").await;
    assert_eq!(status, 200, "{html}");
    assert!(!html.contains(RATE_FORM), "{html}");
    let (status, _, body) = customer
        .rate(&t, &[("score", "5"), ("key", "early-key-000000001")], "en")
        .await;
    assert_eq!(status, 422, "{body}");
    assert!(body.contains("role=\"alert\""), "{body}");
    assert_eq!(t.app.rating(id).await.expect("rating"), None);

    t.transition(&t.agent, &n, "resolve", None)
        .await
        .expect(200);

    // Resolved: five choices, in the page's digits.
    let (status, html) = customer.page(&t, "/track/case", "bn").await;
    assert_eq!(status, 200);
    assert!(!html.contains('⟦'), "a Fluent key is missing: {html}");
    assert!(html.contains(RATE_FORM), "{html}");
    for n in 1..=5 {
        assert!(
            html.contains(&format!("name=\"score\" value=\"{n}\"")),
            "{n}"
        );
        assert!(
            html.contains(&format!("{} — ", Lang::Bn.int(n))),
            "{n} in Bengali digits"
        );
    }
    let key = rate_key(&html);

    // Not a score: refused, the comment kept, nothing saved.
    for bad in ["9", "x", "", "০", "৬", "55"] {
        let (status, _, body) = customer
            .rate(
                &t,
                &[("score", bad), ("comment", "মন্তব্য রাখা"), ("key", &key)],
                "en",
            )
            .await;
        assert_eq!(status, 422, "{bad:?}: {body}");
        assert!(body.contains("role=\"alert\""), "{bad:?}: {body}");
        assert!(body.contains(RATE_FORM), "asked again: {body}");
        assert!(body.contains("মন্তব্য রাখা"), "the comment is kept");
    }
    assert_eq!(t.app.rating(id).await.expect("rating"), None);

    // A forged form (no anti-forgery token, or another one): refused, nothing saved.
    for csrf in ["", "forged-token-00000000000000000000"] {
        let (status, location, body) = customer
            .rate(&t, &[("score", "1"), ("key", &key), ("csrf", csrf)], "en")
            .await;
        assert!(matches!(status, 403 | 422), "{status} {location}: {body}");
        assert!(body.contains(&text(Lang::En, "file-expired")), "{body}");
    }
    // Without the view pass: back to the case page (which asks to track again).
    let res = no_redirects()
        .post(format!("{}/track/rate", t.base))
        .form(&[
            ("score", "1"),
            ("key", key.as_str()),
            ("csrf", customer.csrf.as_str()),
        ])
        .send()
        .await
        .expect("POST");
    assert_eq!(res.status().as_u16(), 303);
    assert_eq!(t.app.rating(id).await.expect("rating"), None);

    // Five, in Bengali digits, with a comment that names someone.
    let comment = "রহিমা আপা খুব সাহায্য করেছেন, ফোন 01799999999";
    let (status, location, body) = customer
        .rate(
            &t,
            &[("score", "৫"), ("comment", comment), ("key", &key)],
            "bn",
        )
        .await;
    assert_eq!(status, 303, "{body}");
    assert_eq!(location, "/track/case?rated=1");
    let rating = t.app.rating(id).await.expect("rating").expect("rated");
    assert_eq!(rating.score, 5);
    assert_eq!(rating.comment.as_deref(), Some(comment));

    let (status, html) = customer.page(&t, &location, "bn").await;
    assert_eq!(status, 200);
    assert!(html.contains(&text(Lang::Bn, "rate-thanks")), "{html}");
    let given = t_args(Lang::Bn, "rate-given", &[("score", Lang::Bn.int(5).into())]);
    assert!(html.contains(&escaped(&given)), "{given:?} in {html}");
    assert!(!html.contains(RATE_FORM), "no second form");
    let (_, html) = customer.page(&t, "/track/case", "en").await;
    let given = t_args(Lang::En, "rate-given", &[("score", Lang::En.int(5).into())]);
    assert!(html.contains(&escaped(&given)), "{given:?} in {html}");
    assert!(
        !html.contains(&text(Lang::En, "rate-thanks")),
        "only right after"
    );

    // The same form sent again (a double tap): the same answer, one rating.
    let (status, location, _) = customer
        .rate(&t, &[("score", "1"), ("key", &key)], "bn")
        .await;
    assert_eq!((status, location.as_str()), (303, "/track/case?rated=1"));
    // Another form (another tab): refused, the rating stands.
    let (status, _, body) = customer
        .rate(
            &t,
            &[
                ("score", "1"),
                ("comment", "আবার"),
                ("key", "second-form-key-0001"),
            ],
            "en",
        )
        .await;
    assert!(matches!(status, 409 | 422), "{status}: {body}");
    assert!(body.contains("role=\"alert\""), "says why: {body}");
    assert!(
        body.contains(&escaped(&given)),
        "the rating given is shown: {body}"
    );
    assert!(!body.contains(RATE_FORM), "{body}");
    assert_eq!(
        t.app.rating(id).await.expect("rating"),
        Some(rating.clone())
    );

    // Closed later: still rated, still no form.
    t.transition(&t.agent, &n, "close", None).await.expect(200);
    let (_, html) = customer.page(&t, "/track/case", "en").await;
    assert!(
        html.contains(&escaped(&given)) && !html.contains(RATE_FORM),
        "{html}"
    );

    // One `case.rated` row on the feed, with the score and without the comment.
    let feed = t.outbox_through_marker("help-pages.rated").await;
    let rated: Vec<_> = feed.iter().filter(|r| r.topic == "case.rated").collect();
    assert_eq!(rated.len(), 1, "{rated:#?}");
    assert_eq!(rated[0].case_id, Some(id));
    assert_eq!(rated[0].payload["score"], 5);
    assert!(
        !rated[0].payload.to_string().contains("01799999999"),
        "{:?}",
        rated[0]
    );

    // One audit event; the comment stays out of the audit trail.
    let events = t.audit_events(&format!("case:{id}")).await;
    let rated: Vec<_> = events.iter().filter(|e| e.action == "case.rated").collect();
    assert_eq!(rated.len(), 1, "{events:#?}");
    assert_eq!(rated[0].actor, "customer");
    assert!(rated[0].after.contains("\"score\":5"), "{}", rated[0].after);
    for e in &events {
        for secret in ["রহিমা আপা", "01799999999"] {
            assert!(
                !e.before.contains(secret) && !e.after.contains(secret),
                "{secret} in {e:?}"
            );
        }
    }
}

// ---------------------------------------------------------------------------------------
// 4. Presence

/// The presence line on a case page: whether it is hidden, and its text.
fn presence_line(html: &str) -> (bool, String) {
    let p = html
        .split("data-presence=")
        .nth(1)
        .unwrap_or_else(|| panic!("no presence element in {html}"));
    let (attrs, rest) = p.split_once('>').expect("a tag");
    let text = rest.split("</p>").next().unwrap_or_default().to_string();
    (attrs.contains("hidden"), text)
}

/// `POST …/presence` from the desk script: status, content type and text.
async fn presence(
    desk: &DeskSession,
    path: &str,
    activity: &str,
    token: Option<&str>,
    lang: &str,
) -> (u16, String, String) {
    let mut rb = no_redirects()
        .post(format!("{}{path}/presence", desk.base))
        .header("cookie", &desk.cookie)
        .header("accept-language", lang)
        .form(&[("activity", activity)]);
    if let Some(token) = token {
        rb = rb.header("x-csrf-token", token);
    }
    let res = rb.send().await.expect("POST presence");
    let status = res.status().as_u16();
    let kind = header_text(res.headers(), "content-type");
    if status == 200 {
        assert_eq!(header_text(res.headers(), "cache-control"), "no-store");
    }
    (status, kind, res.text().await.expect("body"))
}

async fn agents_see_who_else_is_on_a_case(t: TestApp) {
    let case = t
        .create_case(&t.supervisor, &case_body("01812345678", "টাকা আটকে আছে"))
        .await;
    let page_path = format!("/agent/cases/{}", number(&case));
    let rahima = t.desk_login(&t.agent).await; // রহিমা খাতুন
    let karim = t.desk_login(&t.agent2).await; // Karim Uddin
    let says = |key: &'static str| {
        move |lang: Lang, name: &str| t_args(lang, key, &[("name", name.to_string().into())])
    };
    let (viewing, replying) = (
        says("desk-presence-viewing"),
        says("desk-presence-replying"),
    );

    // Alone on the page: the line is there for the script, hidden and empty.
    let (status, page, _) = rahima.get(&page_path, "bn").await;
    assert_eq!(status, 200);
    let (hidden, text) = presence_line(&page);
    assert!(hidden && text.trim().is_empty(), "{text:?}");
    // Where the page's script reports to.
    let path = page
        .split("data-presence=\"")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .and_then(|s| s.strip_suffix("/presence"))
        .expect("the presence address")
        .to_string();
    assert!(path.starts_with("/agent/cases/"), "{path}");

    // Karim opens it and sees Rahima there.
    let (status, page, _) = karim.get(&page_path, "en").await;
    assert_eq!(status, 200);
    let (hidden, text) = presence_line(&page);
    assert!(!hidden, "shown: {page}");
    assert_eq!(text, escaped(&viewing(Lang::En, "রহিমা খাতুন")));

    // Karim starts typing; the answer names Rahima, not himself.
    let (status, kind, text) = presence(&karim, &path, "replying", Some(&karim.csrf), "en").await;
    assert_eq!(status, 200, "{text}");
    assert!(kind.starts_with("text/plain"), "{kind}");
    assert_eq!(text, viewing(Lang::En, "রহিমা খাতুন"));

    // Rahima's page script hears that Karim is replying, in her language.
    let (status, _, text) = presence(&rahima, &path, "viewing", Some(&rahima.csrf), "en").await;
    assert_eq!(status, 200, "{text}");
    assert_eq!(text, replying(Lang::En, "Karim Uddin"));
    let (_, _, text) = presence(&rahima, &path, "viewing", Some(&rahima.csrf), "bn").await;
    assert_eq!(text, replying(Lang::Bn, "Karim Uddin"));
    let (_, page, _) = rahima.get(&page_path, "bn").await;
    let (hidden, text) = presence_line(&page);
    assert!(!hidden);
    assert_eq!(text, escaped(&replying(Lang::Bn, "Karim Uddin")));

    // Without the token in the header (or with it only in the form, or another's): refused.
    for token in [
        None,
        Some(""),
        Some("not-the-token-000000000000"),
        Some(karim.csrf.as_str()),
    ] {
        let (status, _, text) = presence(&rahima, &path, "replying", token, "en").await;
        assert_eq!(status, 403, "{token:?}: {text}");
    }
    let res = no_redirects()
        .post(format!("{}{path}/presence", rahima.base))
        .header("cookie", &rahima.cookie)
        .form(&[("activity", "replying"), ("csrf", rahima.csrf.as_str())])
        .send()
        .await
        .expect("POST");
    assert_eq!(res.status().as_u16(), 403);
    // The refused posts did not make Rahima "replying".
    let (_, _, text) = presence(&karim, &path, "replying", Some(&karim.csrf), "en").await;
    assert_eq!(text, viewing(Lang::En, "রহিমা খাতুন"));

    // A minute and more later, nobody else is there.
    t.clock.advance(jiff::SignedDuration::from_secs(120));
    let (status, _, text) = presence(&rahima, &path, "viewing", Some(&rahima.csrf), "en").await;
    assert_eq!(status, 200);
    assert_eq!(text, "", "Karim left");
    let (_, page, _) = karim.get(&page_path, "en").await;
    let (hidden, text) = presence_line(&page);
    assert!(!hidden, "Rahima touched the page just now");
    assert_eq!(text, escaped(&viewing(Lang::En, "রহিমা খাতুন")));
}
