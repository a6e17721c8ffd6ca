//! The finder's map, drawn on the server as inline SVG: the district boundaries around the
//! places found, the chosen district highlighted, where the search started, and the places
//! numbered as in the list beside it. No tiles, no script and no third-party server, so
//! it shows offline from a saved page and on a slow link costs a few kilobytes.
//!
//! The 64 district outlines (44,413 vertices as published) are projected and simplified
//! once per process ([`OUTLINES`]): an equirectangular projection with longitudes scaled
//! by cos 23.7° (the country's middle latitude, so a kilometre east is about as long as a
//! kilometre north everywhere in it), and Douglas–Peucker down to about 40 m. Each view
//! then takes only the outlines whose boxes meet it, clips them to it, and simplifies
//! them again to under a unit of the drawing, so a view of a few upazilas and a view of
//! the whole country weigh about the same. Coordinates are whole units of a 480-wide
//! drawing, written as relative moves.
//!
//! Colours are presentation attributes: the pages' content security policy allows no
//! inline `style`.

use std::fmt::Write as _;
use std::sync::LazyLock;

use maud::{Markup, PreEscaped, html};
use seba_geo::{DistrictId, Geography};

use super::{Lang, t_args};

/// Width of every map, in SVG units; the height follows the area shown.
const W: f64 = 480.0;
const MIN_H: f64 = 280.0;
const MAX_H: f64 = 520.0;
/// Room kept around the outermost markers, in units.
const MARGIN: f64 = 24.0;
/// cos(23.7°).
const X_SCALE: f64 = 0.915_66;
/// How far (in projected degrees, about 40 m) the cached outlines may stray from the
/// published ones.
const BASE_TOLERANCE: f64 = 0.000_4;
/// How far (in units) a drawn outline may stray from the cached one.
const VIEW_TOLERANCE: f64 = 0.8;
/// The smallest area a map shows, in projected degrees (about 7 km across).
const MIN_SPAN: f64 = 0.065;
/// Kilometres in a projected degree (a degree of latitude).
const KM_PER_DEGREE: f64 = 111.32;

const LAND: &str = "#f7f7f2";
const BORDER: &str = "#a3acb6";
const OUTSIDE: &str = "#e6eef4";
const CHOSEN_FILL: &str = "#fcf0f4";
const BRAND: &str = "#b5124a";
const INK: &str = "#1b1f24";
const MUTED: &str = "#5b6470";
/// District names are written on views narrower than this (projected degrees, about
/// 250 km); wider ones would be a jumble of names.
const LABEL_SPAN: f64 = 2.3;

#[derive(Debug, Clone, Copy, PartialEq)]
struct Pt {
    x: f64,
    y: f64,
}

/// A point in projected degrees: x east, y south (as SVG's axes run).
fn project(lat: f64, lon: f64) -> Pt {
    Pt {
        x: lon * X_SCALE,
        y: -lat,
    }
}

#[derive(Debug, Clone, Copy)]
struct Rect {
    x0: f64,
    y0: f64,
    x1: f64,
    y1: f64,
}

impl Rect {
    fn around(pts: &[Pt]) -> Option<Rect> {
        let first = pts.first()?;
        let mut r = Rect {
            x0: first.x,
            y0: first.y,
            x1: first.x,
            y1: first.y,
        };
        for p in pts {
            r.x0 = r.x0.min(p.x);
            r.y0 = r.y0.min(p.y);
            r.x1 = r.x1.max(p.x);
            r.y1 = r.y1.max(p.y);
        }
        Some(r)
    }

    fn union(self, o: Rect) -> Rect {
        Rect {
            x0: self.x0.min(o.x0),
            y0: self.y0.min(o.y0),
            x1: self.x1.max(o.x1),
            y1: self.y1.max(o.y1),
        }
    }

    fn meets(&self, o: &Rect) -> bool {
        self.x0 <= o.x1 && o.x0 <= self.x1 && self.y0 <= o.y1 && o.y0 <= self.y1
    }

    fn grown(self, by: f64) -> Rect {
        Rect {
            x0: self.x0 - by,
            y0: self.y0 - by,
            x1: self.x1 + by,
            y1: self.y1 + by,
        }
    }

    fn w(&self) -> f64 {
        self.x1 - self.x0
    }

    fn h(&self) -> f64 {
        self.y1 - self.y0
    }
}

/// One closed ring (the last point is not the first repeated) and its box.
struct Ring {
    pts: Vec<Pt>,
    bbox: Rect,
}

/// A district's outline: its polygons' outer rings and holes together, drawn as one path
/// filled even-odd.
struct Outline {
    district: DistrictId,
    bbox: Rect,
    rings: Vec<Ring>,
}

/// Every district's outline, projected and simplified: the base map, built on first use.
static OUTLINES: LazyLock<Vec<Outline>> = LazyLock::new(|| {
    let geo = Geography::bangladesh();
    geo.districts()
        .iter()
        .filter_map(|d| {
            let shape = geo.boundary(d.id)?;
            let rings: Vec<Ring> = shape
                .0
                .iter()
                .flat_map(|polygon| std::iter::once(polygon.exterior()).chain(polygon.interiors()))
                .filter_map(|line| {
                    let pts: Vec<Pt> = line.0.iter().map(|c| project(c.y, c.x)).collect();
                    let pts = simplify_ring(&pts, BASE_TOLERANCE);
                    let bbox = Rect::around(&pts)?;
                    (pts.len() >= 3).then_some(Ring { pts, bbox })
                })
                .collect();
            let bbox = rings.iter().map(|r| r.bbox).reduce(Rect::union)?;
            Some(Outline {
                district: d.id,
                bbox,
                rings,
            })
        })
        .collect()
});

/// Squared distance from `p` to the segment `a`–`b`.
fn segment_dist2(p: Pt, a: Pt, b: Pt) -> f64 {
    let (dx, dy) = (b.x - a.x, b.y - a.y);
    let len2 = dx * dx + dy * dy;
    let t = if len2 > 0.0 {
        (((p.x - a.x) * dx + (p.y - a.y) * dy) / len2).clamp(0.0, 1.0)
    } else {
        0.0
    };
    let (ex, ey) = (a.x + t * dx - p.x, a.y + t * dy - p.y);
    ex * ex + ey * ey
}

/// Douglas–Peucker on an open line: its ends are kept.
fn simplify_line(pts: &[Pt], tolerance: f64, out: &mut Vec<Pt>) {
    let Some(last) = pts.len().checked_sub(1) else {
        return;
    };
    let mut keep = vec![false; pts.len()];
    keep[0] = true;
    keep[last] = true;
    let mut stack = vec![(0, last)];
    let limit = tolerance * tolerance;
    while let Some((a, b)) = stack.pop() {
        let mut far = (0, 0.0);
        for (i, p) in pts.iter().enumerate().take(b).skip(a + 1) {
            let d = segment_dist2(*p, pts[a], pts[b]);
            if d > far.1 {
                far = (i, d);
            }
        }
        if far.1 > limit {
            keep[far.0] = true;
            stack.push((a, far.0));
            stack.push((far.0, b));
        }
    }
    out.extend(pts.iter().zip(&keep).filter(|(_, k)| **k).map(|(p, _)| *p));
}

/// Douglas–Peucker on a ring (closed or not), split at the point farthest from its start
/// so neither half starts and ends at one place. The result is not closed.
fn simplify_ring(pts: &[Pt], tolerance: f64) -> Vec<Pt> {
    let mut pts = pts.to_vec();
    if pts.len() > 1 && pts.first() == pts.last() {
        pts.pop();
    }
    if pts.len() < 4 {
        return pts;
    }
    let start = pts[0];
    let mid = pts
        .iter()
        .enumerate()
        .max_by(|a, b| {
            let da = (a.1.x - start.x).powi(2) + (a.1.y - start.y).powi(2);
            let db = (b.1.x - start.x).powi(2) + (b.1.y - start.y).powi(2);
            da.total_cmp(&db)
        })
        .map_or(0, |(i, _)| i);
    let mut out = Vec::with_capacity(pts.len() / 4 + 4);
    simplify_line(&pts[..=mid], tolerance, &mut out);
    out.pop();
    pts.push(start);
    simplify_line(&pts[mid..], tolerance, &mut out);
    out.pop();
    out
}

/// Sutherland–Hodgman: the part of a ring inside `r` (a convex window), as a ring whose
/// cut edges run along the window's border.
fn clip(pts: &[Pt], r: &Rect) -> Vec<Pt> {
    type Inside = fn(Pt, &Rect) -> bool;
    type Cross = fn(Pt, Pt, &Rect) -> Pt;
    let edges: [(Inside, Cross); 4] = [
        (|p, r| p.x >= r.x0, |a, b, r| at_x(a, b, r.x0)),
        (|p, r| p.x <= r.x1, |a, b, r| at_x(a, b, r.x1)),
        (|p, r| p.y >= r.y0, |a, b, r| at_y(a, b, r.y0)),
        (|p, r| p.y <= r.y1, |a, b, r| at_y(a, b, r.y1)),
    ];
    let mut ring = pts.to_vec();
    for (inside, cross) in edges {
        let Some(&last) = ring.last() else {
            break;
        };
        let mut out = Vec::with_capacity(ring.len() + 4);
        let mut prev = last;
        for &p in &ring {
            match (inside(p, r), inside(prev, r)) {
                (true, true) => out.push(p),
                (true, false) => {
                    out.push(cross(prev, p, r));
                    out.push(p);
                }
                (false, true) => out.push(cross(prev, p, r)),
                (false, false) => {}
            }
            prev = p;
        }
        ring = out;
    }
    ring
}

fn at_x(a: Pt, b: Pt, x: f64) -> Pt {
    Pt {
        x,
        y: a.y + (b.y - a.y) * (x - a.x) / (b.x - a.x),
    }
}

fn at_y(a: Pt, b: Pt, y: f64) -> Pt {
    Pt {
        x: a.x + (b.x - a.x) * (y - a.y) / (b.y - a.y),
        y,
    }
}

/// A place to mark on the map.
#[derive(Debug, Clone)]
pub struct Pin {
    pub lat: f64,
    pub lon: f64,
    /// What the marker says ("১", "2").
    pub label: String,
    /// Its hover tip and accessible name.
    pub title: String,
}

/// What one map shows.
#[derive(Debug)]
pub struct MapView<'a> {
    /// The map's accessible name.
    pub title: &'a str,
    /// The district drawn in the brand's colour.
    pub highlight: Option<DistrictId>,
    /// Where the search started, and what to call it.
    pub origin: Option<(f64, f64, &'a str)>,
    pub pins: &'a [Pin],
    /// Show the whole highlighted district around the marks (a single place's page),
    /// rather than just the marks (the finder's answer).
    pub whole_district: bool,
}

/// The window a map shows (projected degrees) and its scale (units per degree).
struct Frame {
    view: Rect,
    scale: f64,
    h: f64,
}

impl Frame {
    /// Everything marked, with room around it; the highlighted district, or the whole
    /// country, when nothing is marked.
    fn fit(marks: &[Pt], highlight: Option<&Outline>, whole_district: bool) -> Frame {
        let marked = Rect::around(marks);
        let district = highlight.map(|o| o.bbox);
        let core = match (marked, district) {
            (Some(m), Some(d)) if whole_district => Some(m.union(d)),
            (m, d) => m.or(d),
        };
        let core = core
            .or_else(|| OUTLINES.iter().map(|o| o.bbox).reduce(Rect::union))
            .unwrap_or(Rect {
                x0: 88.0 * X_SCALE,
                y0: -26.7,
                x1: 92.7 * X_SCALE,
                y1: -20.5,
            });
        let (cx, cy) = ((core.x0 + core.x1) / 2.0, (core.y0 + core.y1) / 2.0);
        let (w, h) = (core.w().max(MIN_SPAN), core.h().max(MIN_SPAN));
        let scale = ((W - 2.0 * MARGIN) / w).min((MAX_H - 2.0 * MARGIN) / h);
        let height = (h * scale + 2.0 * MARGIN).clamp(MIN_H, MAX_H);
        let (half_w, half_h) = (W / scale / 2.0, height / scale / 2.0);
        Frame {
            view: Rect {
                x0: cx - half_w,
                y0: cy - half_h,
                x1: cx + half_w,
                y1: cy + half_h,
            },
            scale,
            h: height,
        }
    }

    fn units(&self, p: Pt) -> (f64, f64) {
        (
            (p.x - self.view.x0) * self.scale,
            (p.y - self.view.y0) * self.scale,
        )
    }

    /// One outline as path data in this frame; empty if none of it shows.
    fn path(&self, outline: &Outline) -> String {
        // A little beyond the window, so cut edges fall outside the drawing.
        let window = self.view.grown(3.0 / self.scale);
        let mut d = String::new();
        for ring in outline.rings.iter().filter(|r| r.bbox.meets(&window)) {
            let cut = clip(&ring.pts, &window);
            if cut.len() < 3 {
                continue;
            }
            let drawn: Vec<Pt> = cut
                .iter()
                .map(|&p| {
                    let (x, y) = self.units(p);
                    Pt { x, y }
                })
                .collect();
            let simple = simplify_ring(&drawn, VIEW_TOLERANCE);
            let mut whole: Vec<(i32, i32)> = Vec::with_capacity(simple.len());
            for p in &simple {
                let q = (p.x.round() as i32, p.y.round() as i32);
                if whole.last() != Some(&q) {
                    whole.push(q);
                }
            }
            if whole.len() > 1 && whole.first() == whole.last() {
                whole.pop();
            }
            if whole.len() < 3 {
                continue;
            }
            let (x, y) = whole[0];
            let _ = write!(d, "M{x} {y}l");
            let mut prev = (x, y);
            let mut first = true;
            for &(x, y) in &whole[1..] {
                for n in [x - prev.0, y - prev.1] {
                    if !first && n >= 0 {
                        d.push(' ');
                    }
                    let _ = write!(d, "{n}");
                    first = false;
                }
                prev = (x, y);
            }
            d.push('z');
        }
        d
    }
}

/// A length in kilometres as this language writes it on a scale bar.
fn km_label(lang: Lang, km: f64) -> String {
    if km < 1.0 {
        let m = (km * 1000.0).round() as i64;
        t_args(lang, "centres-m", &[("m", lang.int(m).into())])
    } else {
        let km = km.round() as i64;
        t_args(lang, "centres-km", &[("km", lang.int(km).into())])
    }
}

fn num(x: f64) -> String {
    let x = if x.is_finite() { x } else { 0.0 };
    let s = format!("{x:.1}");
    s.strip_suffix(".0").map(str::to_string).unwrap_or(s)
}

/// The map: outlines around the marks, the origin, the numbered pins (the first on top)
/// and a scale bar.
pub fn draw(lang: Lang, map: &MapView<'_>) -> Markup {
    let mut marks: Vec<Pt> = map.pins.iter().map(|p| project(p.lat, p.lon)).collect();
    if let Some((lat, lon, _)) = map.origin {
        marks.push(project(lat, lon));
    }
    let chosen = map
        .highlight
        .and_then(|d| OUTLINES.iter().find(|o| o.district == d));
    let frame = Frame::fit(&marks, chosen, map.whole_district);
    let window = frame.view.grown(3.0 / frame.scale);
    let others: Vec<String> = OUTLINES
        .iter()
        .filter(|o| Some(o.district) != map.highlight && o.bbox.meets(&window))
        .map(|o| frame.path(o))
        .filter(|d| !d.is_empty())
        .collect();
    let chosen_path = chosen.map(|o| frame.path(o)).filter(|d| !d.is_empty());
    // District names at their headquarters, where the view is small enough to read them.
    let geo = Geography::bangladesh();
    let labels: Vec<(f64, f64, &str, bool)> = if frame.view.w() < LABEL_SPAN {
        geo.districts()
            .iter()
            .filter_map(|d| {
                let (x, mut y) = frame.units(project(d.centre.lat, d.centre.lon));
                // A name under a marker moves above it.
                if marks.iter().any(|m| {
                    let (mx, my) = frame.units(*m);
                    (mx - x).abs() < 40.0 && (my - y).abs() < 16.0
                }) {
                    y -= 20.0;
                }
                let inside =
                    (MARGIN..=W - MARGIN).contains(&x) && (MARGIN..=frame.h - MARGIN).contains(&y);
                inside.then(|| {
                    (
                        x,
                        y,
                        lang.pick(&d.name_bn, &d.name_en),
                        Some(d.id) == map.highlight,
                    )
                })
            })
            .collect()
    } else {
        Vec::new()
    };

    // A scale bar of a round length, at most a quarter of the width.
    let km_per_unit = KM_PER_DEGREE / frame.scale;
    let bar_km = [0.1, 0.2, 0.5, 1.0, 2.0, 5.0, 10.0, 20.0, 50.0, 100.0, 200.0]
        .into_iter()
        .take_while(|km| km / km_per_unit <= W / 4.0)
        .last()
        .unwrap_or(0.1);
    let bar = bar_km / km_per_unit;
    let h = frame.h;
    let origin = map.origin.map(|(lat, lon, title)| {
        let (x, y) = frame.units(project(lat, lon));
        (x, y, title)
    });

    html! {
        svg xmlns="http://www.w3.org/2000/svg" viewBox=(format!("0 0 {} {}", num(W), num(h)))
            width="100%" role="img" aria-label=(map.title) font-size="12" {
            title { (map.title) }
            rect width=(num(W)) height=(num(h)) fill=(OUTSIDE) {}
            g fill=(LAND) stroke=(BORDER) stroke-width="0.8" stroke-linejoin="round" {
                @for d in &others { path d=(PreEscaped(d)) {} }
            }
            @if let Some(d) = &chosen_path {
                path d=(PreEscaped(d)) fill=(CHOSEN_FILL) stroke=(BRAND) stroke-width="1.6"
                    stroke-linejoin="round" fill-rule="evenodd" {}
            }
            g text-anchor="middle" font-size="13" stroke="#fff" stroke-width="3"
                paint-order="stroke" {
                @for (x, y, name, chosen) in &labels {
                    text x=(num(*x)) y=(num(*y)) fill=(if *chosen { BRAND } else { MUTED }) {
                        (name)
                    }
                }
            }
            @if let Some((x, y, title)) = origin {
                g {
                    title { (title) }
                    circle cx=(num(x)) cy=(num(y)) r="11" fill="none" stroke=(INK)
                        stroke-width="1.5" {}
                    circle cx=(num(x)) cy=(num(y)) r="5" fill=(INK) stroke="#fff"
                        stroke-width="1.5" {}
                }
            }
            g text-anchor="middle" font-weight="700" font-size="15" {
                @for pin in map.pins.iter().rev() {
                    @let (x, y) = frame.units(project(pin.lat, pin.lon));
                    g {
                        title { (pin.title) }
                        circle cx=(num(x)) cy=(num(y)) r="13" fill=(BRAND) stroke="#fff"
                            stroke-width="2" {}
                        text x=(num(x)) y=(num(y + 5.0)) fill="#fff" { (pin.label) }
                    }
                }
            }
            g stroke=(INK) fill=(INK) {
                path d=(format!("M10 {}v5h{}v-5", num(h - 15.0), num(bar))) fill="none"
                    stroke-width="1.5" {}
                text x=(num(14.0 + bar)) y=(num(h - 10.0)) stroke="none" {
                    (km_label(lang, bar_km))
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rings_simplify_and_clip() {
        // A square with a wobble along one side, and a window over its left half.
        let ring = vec![
            Pt { x: 0.0, y: 0.0 },
            Pt { x: 5.0, y: 0.01 },
            Pt { x: 10.0, y: 0.0 },
            Pt { x: 10.0, y: 10.0 },
            Pt { x: 0.0, y: 10.0 },
            Pt { x: 0.0, y: 0.0 },
        ];
        let simple = simplify_ring(&ring, 0.1);
        assert_eq!(simple.len(), 4, "{simple:?}");
        let half = clip(
            &simple,
            &Rect {
                x0: -1.0,
                y0: -1.0,
                x1: 5.0,
                y1: 11.0,
            },
        );
        assert_eq!(half.len(), 4, "{half:?}");
        assert!(half.iter().all(|p| p.x <= 5.0));
        let nothing = clip(
            &simple,
            &Rect {
                x0: 20.0,
                y0: 20.0,
                x1: 30.0,
                y1: 30.0,
            },
        );
        assert!(nothing.is_empty());
    }

    #[test]
    fn every_district_has_an_outline() {
        assert_eq!(OUTLINES.len(), 64);
        let vertices: usize = OUTLINES
            .iter()
            .flat_map(|o| &o.rings)
            .map(|r| r.pts.len())
            .sum();
        // The published file has 44,413; most of its vertices are far apart already.
        assert!((30_000..44_413).contains(&vertices), "{vertices}");
    }

    #[test]
    fn a_map_of_dhaka_marks_and_highlights() {
        let geo = Geography::bangladesh();
        let dhaka = geo.find_district("Dhaka").expect("Dhaka").id;
        let pins = [
            Pin {
                lat: 23.7509,
                lon: 90.3935,
                label: "১".into(),
                title: "ধানমন্ডি".into(),
            },
            Pin {
                lat: 23.7925,
                lon: 90.4078,
                label: "২".into(),
                title: "গুলশান".into(),
            },
        ];
        let svg = draw(
            Lang::Bn,
            &MapView {
                title: "মানচিত্র",
                highlight: Some(dhaka),
                origin: Some((23.77, 90.40, "এখান থেকে")),
                pins: &pins,
                whole_district: false,
            },
        )
        .into_string();
        assert!(svg.contains(CHOSEN_FILL), "the district is highlighted");
        assert_eq!(svg.matches("<circle").count(), 4, "{svg}");
        assert!(svg.contains(">১</text>") && svg.contains(">২</text>"));
        assert!(svg.len() < 40_000, "{} bytes", svg.len());
        assert!(!svg.contains("NaN"));
    }

    #[test]
    fn the_whole_country_stays_light() {
        let svg = draw(
            Lang::En,
            &MapView {
                title: "Bangladesh",
                highlight: None,
                origin: None,
                pins: &[],
                whole_district: false,
            },
        )
        .into_string();
        assert_eq!(
            svg.matches("<path").count(),
            64 + 1,
            "every district and the bar"
        );
        assert!(svg.len() < 45_000, "{} bytes", svg.len());
    }
}
