//! Charts drawn on the server as inline SVG, so the supervisor's dashboard needs no script,
//! no chart library and no web font, and a chart weighs a few kilobytes.
//!
//! Each chart is a pure function from already-labelled data to [`Markup`]: an `<svg>` with a
//! `viewBox` (it scales to its box), `role="img"` with the title as its accessible name and
//! a `<desc>` that reads the figures out, and a `<title>` on every bar for a hover tip.
//! Labels come from the caller in the page's language; numbers are formatted here with
//! [`Lang::int`], so Bengali pages show Bengali digits and lakh grouping. maud escapes every
//! text. Colours are presentation attributes rather than `style`, which the pages' content
//! security policy would block.
//!
//! Scales are computed in integers (1-2-5 steps), so zeros, negative values (drawn as zero)
//! and values near `i64::MAX` neither overflow nor produce `NaN`.

use maud::{Markup, html};

use super::{Lang, t};

/// Series colours: the Okabe–Ito palette (told apart with the common colour-vision
/// deficiencies) minus its yellow, which is too pale on white, plus four darker tones.
const PALETTE: &[&str] = &[
    "#0072b2", "#d55e00", "#009e73", "#cc79a7", "#e69f00", "#56b4e9", "#6a3d9a", "#4d4d4d",
    "#8c510a", "#b5124a",
];

/// Ink for text and axes, and the faint grid (as in `seba.css`).
const INK: &str = "#1b1f24";
const MUTED: &str = "#5b6470";
const GRID: &str = "#e3e6ea";

/// At most this many intervals on a value axis.
const MAX_INTERVALS: u64 = 5;

const FONT: f64 = 12.0;
const TITLE_FONT: f64 = 14.0;
/// Where the first row or the plot starts, under the title.
const TOP: f64 = 36.0;

/// How many figures a `<desc>` reads out before it stops.
const DESC_ITEMS: usize = 40;

/// A horizontal bar per label (categories, backlog by age, CSAT 1–5), its value at its end.
pub fn bar_chart<L: AsRef<str>>(lang: Lang, title: &str, bars: &[(L, i64)]) -> Markup {
    const W: f64 = 640.0;
    const ROW: f64 = 26.0;
    const BAR: f64 = 16.0;
    if bars.is_empty() {
        return no_data(lang, title, W);
    }
    let values: Vec<u64> = bars.iter().map(|(_, v)| clamp(*v)).collect();
    let (step, top) = nice_scale(values.iter().copied().max().unwrap_or(0));
    let ticks = ticks(step, top);

    let longest = bars
        .iter()
        .map(|(l, _)| text_width(l.as_ref()))
        .fold(0.0, f64::max);
    let label_w = (longest + 8.0).min(W * 0.35);
    let label_chars = chars_within(label_w - 8.0);
    let widest_value = values
        .iter()
        .map(|v| text_width(&lang.int(to_i64(*v))))
        .fold(0.0, f64::max);
    let widest_tick = text_width(&lang.int(to_i64(top)));
    let x0 = label_w + 4.0;
    let x1 = W - (widest_value + 8.0).max(widest_tick / 2.0 + 4.0);
    let plot_w = (x1 - x0).max(1.0);
    let bottom = TOP + ROW * bars.len() as f64;
    let h = bottom + 24.0;
    let desc = describe(
        bars.iter()
            .zip(&values)
            .map(|((l, _), v)| format!("{}: {}", l.as_ref(), lang.int(to_i64(*v)))),
    );

    let body = html! {
        g.grid {
            @for tick in &ticks {
                @let x = x0 + scale(*tick, top, plot_w);
                line x1=(num(x)) x2=(num(x)) y1=(num(TOP - 4.0)) y2=(num(bottom))
                    stroke=(GRID) {}
                text x=(num(x)) y=(num(bottom + 16.0)) text-anchor="middle" fill=(MUTED) {
                    (lang.int(to_i64(*tick)))
                }
            }
        }
        @for (i, ((label, _), value)) in bars.iter().zip(&values).enumerate() {
            @let y = TOP + ROW * i as f64;
            @let len = scale(*value, top, plot_w);
            @let shown = lang.int(to_i64(*value));
            g.bar {
                title { (label.as_ref()) ": " (shown) }
                text x=(num(label_w)) y=(num(y + ROW / 2.0 + 4.0)) text-anchor="end"
                    fill=(INK) { (clip(label.as_ref(), label_chars)) }
                rect x=(num(x0)) y=(num(y + (ROW - BAR) / 2.0)) width=(num(len))
                    height=(num(BAR)) fill=(PALETTE[0]) {}
                text x=(num(x0 + len + 4.0)) y=(num(y + ROW / 2.0 + 4.0)) fill=(INK) {
                    (shown)
                }
            }
        }
        line x1=(num(x0)) x2=(num(x0)) y1=(num(TOP - 4.0)) y2=(num(bottom)) stroke=(MUTED) {}
    };
    frame(title, &desc, W, h, body)
}

/// Columns per day, each stacked by series (cases per day by channel), with a legend that
/// gives each series' total. Works for one day to a quarter: day labels are thinned out so
/// they never overlap. A series shorter than `days` counts as zero on the missing days.
pub fn stacked_columns<D: AsRef<str>, S: AsRef<str>>(
    lang: Lang,
    title: &str,
    days: &[D],
    series: &[(S, Vec<i64>)],
) -> Markup {
    const W: f64 = 720.0;
    const PLOT_H: f64 = 200.0;
    if days.is_empty() || series.is_empty() {
        return no_data(lang, title, W);
    }
    let value = |s: usize, d: usize| series[s].1.get(d).map_or(0, |v| clamp(*v));
    let totals: Vec<u64> = (0..days.len())
        .map(|d| (0..series.len()).fold(0u64, |sum, s| sum.saturating_add(value(s, d))))
        .collect();
    let (step, top) = nice_scale(totals.iter().copied().max().unwrap_or(0));
    let ticks = ticks(step, top);

    let x0 = text_width(&lang.int(to_i64(top))) + 10.0;
    let plot_w = W - x0 - 8.0;
    let bottom = TOP + PLOT_H;
    // Each day's segments bottom up: (series, top edge, height, value); zeros draw nothing.
    let columns: Vec<Vec<(usize, f64, f64, u64)>> = (0..days.len())
        .map(|d| {
            let mut base = 0u64;
            (0..series.len())
                .filter_map(|s| {
                    let v = value(s, d);
                    let below = base;
                    base = base.saturating_add(v);
                    let y = bottom - scale(base, top, PLOT_H);
                    let height = (bottom - scale(below, top, PLOT_H) - y).max(0.0);
                    (v > 0).then_some((s, y, height, v))
                })
                .collect()
        })
        .collect();
    let slot = plot_w / days.len() as f64;
    let col_w = (slot * 0.75).min(40.0);
    let label_w = days
        .iter()
        .map(|d| text_width(d.as_ref()))
        .fold(0.0, f64::max)
        + 8.0;
    let every = days.len().div_ceil(((plot_w / label_w) as usize).max(1));

    // The legend wraps into rows under the day labels.
    let legend_top = bottom + 34.0;
    let mut legend = Vec::with_capacity(series.len());
    let (mut lx, mut ly) = (x0, legend_top);
    for (i, (name, _)) in series.iter().enumerate() {
        let total = (0..days.len()).fold(0u64, |sum, d| sum.saturating_add(value(i, d)));
        let text = format!("{} ({})", name.as_ref(), lang.int(to_i64(total)));
        let w = 16.0 + text_width(&text) + 14.0;
        if lx + w > W && lx > x0 {
            lx = x0;
            ly += 18.0;
        }
        legend.push((lx, ly, PALETTE[i % PALETTE.len()], text));
        lx += w;
    }
    let h = ly + 14.0;
    let desc = describe(legend.iter().map(|(_, _, _, text)| text.clone()));

    let body = html! {
        g.grid {
            @for tick in &ticks {
                @let y = bottom - scale(*tick, top, PLOT_H);
                line x1=(num(x0)) x2=(num(W - 8.0)) y1=(num(y)) y2=(num(y)) stroke=(GRID) {}
                text x=(num(x0 - 4.0)) y=(num(y + 4.0)) text-anchor="end" fill=(MUTED) {
                    (lang.int(to_i64(*tick)))
                }
            }
        }
        @for (d, (day, segments)) in days.iter().zip(&columns).enumerate() {
            @let x = x0 + slot * d as f64 + (slot - col_w) / 2.0;
            g.column {
                @for (s, y, height, v) in segments {
                    rect x=(num(x)) y=(num(*y)) width=(num(col_w)) height=(num(*height))
                        fill=(PALETTE[s % PALETTE.len()]) {
                        title {
                            (series[*s].0.as_ref()) ", " (day.as_ref()) ": "
                            (lang.int(to_i64(*v)))
                        }
                    }
                }
                @if d % every == 0 {
                    text x=(num(x + col_w / 2.0)) y=(num(bottom + 16.0)) text-anchor="middle"
                        fill=(INK) { (day.as_ref()) }
                }
            }
        }
        line x1=(num(x0)) x2=(num(W - 8.0)) y1=(num(bottom)) y2=(num(bottom)) stroke=(MUTED) {}
        g.legend {
            @for (x, y, colour, text) in &legend {
                rect x=(num(*x)) y=(num(y - 10.0)) width="12" height="12" fill=(colour) {}
                text x=(num(x + 16.0)) y=(num(*y)) fill=(INK) { (text) }
            }
        }
    };
    frame(title, &desc, W, h, body)
}

/// A column per day for a share from 0 to 100 % (SLA compliance). `None` is a day with
/// nothing to measure, drawn as a gap with a faint mark, never as 0 %; values outside 0–100
/// are clamped, and one that is not a number counts as `None`.
pub fn percent_bars<D: AsRef<str>>(
    lang: Lang,
    title: &str,
    days: &[D],
    percents: &[Option<f64>],
) -> Markup {
    const W: f64 = 720.0;
    const PLOT_H: f64 = 160.0;
    let values: Vec<Option<f64>> = (0..days.len())
        .map(|d| {
            percents
                .get(d)
                .copied()
                .flatten()
                .filter(|p| p.is_finite())
                .map(|p| p.clamp(0.0, 100.0))
        })
        .collect();
    if values.iter().all(Option::is_none) {
        return no_data(lang, title, W);
    }
    let pct = |p: f64| format!("{}%", lang.int(p.round() as i64));
    let x0 = text_width(&pct(100.0)) + 10.0;
    let plot_w = W - x0 - 8.0;
    let bottom = TOP + PLOT_H;
    let slot = plot_w / days.len() as f64;
    let col_w = (slot * 0.75).min(40.0);
    let label_w = days
        .iter()
        .map(|d| text_width(d.as_ref()))
        .fold(0.0, f64::max)
        + 8.0;
    let every = days.len().div_ceil(((plot_w / label_w) as usize).max(1));
    // Figures over the columns only while there is room for them.
    let figures = slot >= text_width(&pct(100.0)) + 4.0;
    let h = bottom + 24.0;
    let none = t(lang, "chart-no-data");
    let desc = describe(days.iter().zip(&values).map(|(day, v)| {
        let v = v.map_or_else(|| none.clone(), &pct);
        format!("{}: {v}", day.as_ref())
    }));

    let body = html! {
        g.grid {
            @for tick in (0..=100).step_by(20) {
                @let y = bottom - PLOT_H * f64::from(tick) / 100.0;
                line x1=(num(x0)) x2=(num(W - 8.0)) y1=(num(y)) y2=(num(y)) stroke=(GRID) {}
                text x=(num(x0 - 4.0)) y=(num(y + 4.0)) text-anchor="end" fill=(MUTED) {
                    (pct(f64::from(tick)))
                }
            }
        }
        @for (d, (day, value)) in days.iter().zip(&values).enumerate() {
            @let x = x0 + slot * d as f64 + (slot - col_w) / 2.0;
            g.column {
                @match value {
                    Some(p) => {
                        @let hgt = PLOT_H * p / 100.0;
                        rect x=(num(x)) y=(num(bottom - hgt)) width=(num(col_w))
                            height=(num(hgt)) fill=(PALETTE[2]) {
                            title { (day.as_ref()) ": " (pct(*p)) }
                        }
                        @if figures {
                            text x=(num(x + col_w / 2.0)) y=(num(bottom - hgt - 4.0))
                                text-anchor="middle" fill=(INK) { (pct(*p)) }
                        }
                    }
                    None => {
                        rect x=(num(x)) y=(num(bottom - 2.0)) width=(num(col_w)) height="2"
                            fill=(GRID) {
                            title { (day.as_ref()) ": " (none) }
                        }
                    }
                }
                @if d % every == 0 {
                    text x=(num(x + col_w / 2.0)) y=(num(bottom + 16.0)) text-anchor="middle"
                        fill=(INK) { (day.as_ref()) }
                }
            }
        }
        line x1=(num(x0)) x2=(num(W - 8.0)) y1=(num(bottom)) y2=(num(bottom)) stroke=(MUTED) {}
    };
    frame(title, &desc, W, h, body)
}

/// The chart's frame with a "no data" line in it, so an empty period keeps the page's shape.
fn no_data(lang: Lang, title: &str, w: f64) -> Markup {
    let h = 100.0;
    let text = t(lang, "chart-no-data");
    let body = html! {
        rect x="0.5" y=(num(TOP - 8.0)) width=(num(w - 1.0)) height=(num(h - TOP + 7.5))
            fill="none" stroke=(GRID) {}
        text x=(num(w / 2.0)) y=(num((TOP + h) / 2.0)) text-anchor="middle" fill=(MUTED) {
            (text)
        }
    };
    frame(title, &text, w, h, body)
}

/// A chart's frame: the scalable image, named for screen readers by its title and
/// described by `desc` (its figures read out), the title drawn on top, and `body`.
fn frame(title: &str, desc: &str, w: f64, h: f64, body: Markup) -> Markup {
    html! {
        svg.chart xmlns="http://www.w3.org/2000/svg" viewBox=(view_box(w, h)) role="img"
            aria-label=(title) font-size=(num(FONT)) {
            title { (title) }
            desc { (desc) }
            text x="0" y="18" font-size=(num(TITLE_FONT)) font-weight="700" fill=(INK) { (title) }
            (body)
        }
    }
}

fn view_box(w: f64, h: f64) -> String {
    format!("0 0 {} {}", num(w), num(h))
}

/// A coordinate with one decimal (never `NaN`: a non-finite value would be a bug upstream,
/// and drawing it at 0 keeps the SVG valid).
fn num(x: f64) -> String {
    let x = if x.is_finite() { x } else { 0.0 };
    let s = format!("{x:.1}");
    s.strip_suffix(".0").map(str::to_string).unwrap_or(s)
}

/// Counts are never negative; a negative value is drawn as zero.
fn clamp(v: i64) -> u64 {
    u64::try_from(v).unwrap_or(0)
}

fn to_i64(v: u64) -> i64 {
    i64::try_from(v).unwrap_or(i64::MAX)
}

/// The step between ticks (1, 2 or 5 times a power of ten) and the axis' top, a multiple of
/// the step at or above `max`, with at most [`MAX_INTERVALS`] intervals.
fn nice_scale(max: u64) -> (u64, u64) {
    let max = max.max(1);
    let mut magnitude: u64 = 1;
    loop {
        for m in [1, 2, 5] {
            let step = magnitude.saturating_mul(m);
            let intervals = max.div_ceil(step);
            if intervals <= MAX_INTERVALS {
                return (step, step.saturating_mul(intervals));
            }
        }
        magnitude = magnitude.saturating_mul(10);
    }
}

fn ticks(step: u64, top: u64) -> Vec<u64> {
    (0..=top / step.max(1)).map(|i| i * step).collect()
}

/// `v` as a length along an axis of `len` that ends at `top` (≥ 1).
fn scale(v: u64, top: u64, len: f64) -> f64 {
    v.min(top) as f64 / top.max(1) as f64 * len
}

/// A generous estimate of a text's width at [`FONT`]: wide enough for Bengali and digits.
fn text_width(s: &str) -> f64 {
    s.chars().count() as f64 * FONT * 0.6
}

fn chars_within(width: f64) -> usize {
    (width / (FONT * 0.6)).max(1.0) as usize
}

/// `s` cut to `max` characters with an ellipsis (the bar's tooltip keeps the whole label).
fn clip(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_string()
    } else {
        let mut out: String = s.chars().take(max.saturating_sub(1)).collect();
        out.push('…');
        out
    }
}

/// The figures read out to a screen reader, cut short on a long chart.
fn describe(items: impl Iterator<Item = String>) -> String {
    items.take(DESC_ITEMS).collect::<Vec<_>>().join("; ")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every tag closes in order (an unclosed `<rect>` inside SVG would swallow its
    /// siblings), and the text between tags has no raw `<` or `>`.
    fn assert_well_formed(svg: &str) {
        let mut stack: Vec<String> = Vec::new();
        let mut rest = svg;
        while let Some(start) = rest.find('<') {
            let Some(end) = rest[start..].find('>') else {
                panic!("an unterminated tag in {svg}");
            };
            let tag = &rest[start + 1..start + end];
            assert!(!tag.contains('<'), "a raw `<` in {tag:?}");
            if let Some(name) = tag.strip_prefix('/') {
                assert_eq!(stack.pop().as_deref(), Some(name), "in {svg}");
            } else if !tag.ends_with('/') {
                let name = tag.split_whitespace().next().unwrap_or_default();
                stack.push(name.to_string());
            }
            rest = &rest[start + end + 1..];
        }
        assert!(stack.is_empty(), "unclosed: {stack:?}");
        assert!(svg.starts_with("<svg"), "{svg}");
        for bad in ["NaN", "inf", "style="] {
            assert!(!svg.contains(bad), "{bad} in {svg}");
        }
        assert!(svg.contains("role=\"img\"") && svg.contains("viewBox=\"0 0 "));
    }

    fn days(n: usize) -> Vec<String> {
        (1..=n).map(|d| format!("{d}/11")).collect()
    }

    #[test]
    fn nice_scales_step_by_one_two_five() {
        assert_eq!(nice_scale(0), (1, 1));
        assert_eq!(nice_scale(3), (1, 3));
        assert_eq!(nice_scale(7), (2, 8));
        assert_eq!(nice_scale(10), (2, 10));
        assert_eq!(nice_scale(11), (5, 15));
        assert_eq!(nice_scale(99), (20, 100));
        assert_eq!(nice_scale(1_000_000), (200_000, 1_000_000));
        assert_eq!(nice_scale(1_234_567), (500_000, 1_500_000));
        let (step, top) = nice_scale(i64::MAX as u64);
        assert!(top >= i64::MAX as u64 && step > 0);
        assert_eq!(ticks(2, 8), vec![0, 2, 4, 6, 8]);
    }

    #[test]
    fn bars_in_bengali_digits() {
        let svg = bar_chart(
            Lang::Bn,
            "বিভাগ অনুযায়ী",
            &[("ভুল নম্বরে টাকা", 1_234_567), ("পিন", 0), ("ক্যাশ আউট", 42)],
        )
        .into_string();
        assert_well_formed(&svg);
        assert!(svg.contains("১২,৩৪,৫৬৭"), "{svg}");
        assert!(svg.contains("৪২") && svg.contains("ভুল নম্বরে টাকা"));
        assert!(svg.contains("<title>বিভাগ অনুযায়ী</title>"));
        let en = bar_chart(Lang::En, "By category", &[("PIN", 1_234_567)]).into_string();
        assert!(en.contains("1,234,567"), "{en}");
    }

    #[test]
    fn empty_data_says_so() {
        let none: [(&str, i64); 0] = [];
        for svg in [
            bar_chart(Lang::Bn, "খালি", &none),
            stacked_columns::<&str, &str>(Lang::Bn, "খালি", &[], &[]),
            stacked_columns(Lang::Bn, "খালি", &["১ নভে"], &[] as &[(&str, Vec<i64>)]),
            percent_bars(
                Lang::Bn,
                "খালি",
                &["১ নভে", "২ নভে"],
                &[None, Some(f64::NAN)],
            ),
            percent_bars::<&str>(Lang::Bn, "খালি", &[], &[]),
        ] {
            let svg = svg.into_string();
            assert_well_formed(&svg);
            assert!(svg.contains(&t(Lang::Bn, "chart-no-data")), "{svg}");
            assert!(!svg.contains('⟦'));
        }
        let en = bar_chart(Lang::En, "Empty", &none).into_string();
        assert!(en.contains(&t(Lang::En, "chart-no-data")), "{en}");
    }

    #[test]
    fn zeros_and_huge_values_stay_finite() {
        let svg = bar_chart(Lang::En, "Zeros", &[("a", 0), ("b", 0), ("c", -5)]).into_string();
        assert_well_formed(&svg);
        let svg = bar_chart(Lang::En, "Huge", &[("a", i64::MAX), ("b", 1)]).into_string();
        assert_well_formed(&svg);
        assert!(svg.contains("9,223,372,036,854,775,807"), "{svg}");
        let series = vec![
            ("web", vec![i64::MAX, 0, 3]),
            ("app", vec![i64::MAX, -1]),
            ("ussd", vec![]),
        ];
        let svg = stacked_columns(Lang::Bn, "Huge", &days(3), &series).into_string();
        assert_well_formed(&svg);
        let svg =
            stacked_columns(Lang::En, "Zeros", &days(2), &[("web", vec![0, 0])]).into_string();
        assert_well_formed(&svg);
        assert!(!svg.contains(&t(Lang::En, "chart-no-data")));
        let svg = percent_bars(
            Lang::En,
            "SLA",
            &days(4),
            &[Some(150.0), Some(-3.0), Some(f64::INFINITY), Some(99.5)],
        )
        .into_string();
        assert_well_formed(&svg);
        assert!(svg.contains(">100%<") && svg.contains(">0%<"), "{svg}");
    }

    #[test]
    fn columns_with_a_legend_for_one_to_ninety_days() {
        let names = ["ওয়েব", "অ্যাপ", "ইউএসএসডি", "হটলাইন"];
        for n in [1, 7, 30, 90] {
            let series: Vec<(&str, Vec<i64>)> = names
                .iter()
                .enumerate()
                .map(|(s, name)| {
                    (
                        *name,
                        (0..n).map(|d| ((d * 7 + s * 3) % 11) as i64).collect(),
                    )
                })
                .collect();
            let svg = stacked_columns(Lang::Bn, "দিনে কেস", &days(n), &series).into_string();
            assert_well_formed(&svg);
            for name in names {
                assert!(svg.contains(name), "the legend names {name}");
            }
            // Distinct colours for distinct series.
            for colour in &PALETTE[..names.len()] {
                assert!(svg.contains(colour), "{colour}");
            }
            // Day labels thinned out: never more than fit side by side.
            let shown = (1..=n)
                .filter(|d| svg.contains(&format!(">{d}/11</text>")))
                .count();
            assert!((1..=16).contains(&shown), "{n} days, {shown} labels");
            if n <= 15 {
                assert_eq!(shown, n, "every day labelled while there is room");
            }
            assert!(svg.contains(">1/11</text>"));
        }
    }

    #[test]
    fn percent_columns_show_gaps_and_figures() {
        let svg = percent_bars(Lang::Bn, "এসএলএ", &days(3), &[Some(95.4), None, Some(80.0)])
            .into_string();
        assert_well_formed(&svg);
        assert!(svg.contains("৯৫%") && svg.contains("৮০%"), "{svg}");
        assert!(
            svg.contains(&t(Lang::Bn, "chart-no-data")),
            "the gap's tooltip"
        );
        let wide = percent_bars(Lang::En, "SLA", &days(90), &vec![Some(50.0); 90]).into_string();
        assert_well_formed(&wide);
    }

    #[test]
    fn labels_are_escaped() {
        let evil = "<script>alert(1)</script>";
        for svg in [
            bar_chart(Lang::En, evil, &[(evil, 1)]),
            stacked_columns(Lang::En, evil, &[evil], &[(evil, vec![1])]),
            percent_bars(Lang::En, evil, &[evil], &[Some(1.0)]),
            bar_chart(Lang::En, evil, &[] as &[(&str, i64)]),
        ] {
            let svg = svg.into_string();
            assert!(!svg.contains("<script"), "{svg}");
            assert!(svg.contains("&lt;script&gt;"), "{svg}");
            assert_well_formed(&svg);
        }
    }

    #[test]
    fn long_labels_are_clipped_but_kept_in_the_tooltip() {
        let long = "অনেক লম্বা একটি বিভাগের নাম যা কখনো শেষ হয় না এবং চলতেই থাকে";
        let svg = bar_chart(Lang::Bn, "বিভাগ", &[(long, 3)]).into_string();
        assert!(svg.contains('…'), "{svg}");
        assert!(svg.contains(&format!("<title>{long}: ৩</title>")), "{svg}");
    }
}
