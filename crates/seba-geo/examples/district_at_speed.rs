//! How long point → district takes: 100,000 points drawn uniformly (seeded) from the box
//! around Bangladesh — about half of them in the sea or in India or Myanmar, which is
//! what a lookup must also answer — each timed on its own; prints p50, p99 and the worst.
//!
//! `cargo run --release -p seba-geo --example district_at_speed`

use std::time::{Duration, Instant};

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use seba_geo::Geography;

const POINTS: usize = 100_000;

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted.get(i).copied().unwrap_or_default()
}

fn main() {
    let started = Instant::now();
    let geo = Geography::bangladesh();
    let load = started.elapsed();
    let bbox = geo.bbox();

    let mut rng = StdRng::seed_from_u64(5);
    let points: Vec<(f64, f64)> = (0..POINTS)
        .map(|_| {
            (
                rng.gen_range(bbox.south..=bbox.north),
                rng.gen_range(bbox.west..=bbox.east),
            )
        })
        .collect();

    // Warm the caches once, untimed.
    let mut found = 0usize;
    for &(lat, lon) in points.iter().take(1_000) {
        found += usize::from(geo.district_at(lat, lon).is_some());
    }
    std::hint::black_box(found);

    let mut times = Vec::with_capacity(POINTS);
    let mut inside = 0usize;
    for &(lat, lon) in &points {
        let t = Instant::now();
        let d = std::hint::black_box(geo.district_at(lat, lon));
        times.push(t.elapsed());
        inside += usize::from(d.is_some());
    }
    times.sort_unstable();
    let total: Duration = times.iter().sum();

    println!("loading the geography: {load:.1?}");
    println!(
        "district_at over {POINTS} random points in the country's box \
         ({inside} in a district, {} outside):",
        POINTS - inside
    );
    println!(
        "  p50 {:.2?}  p99 {:.2?}  max {:.2?}  mean {:.2?}",
        percentile(&times, 0.50),
        percentile(&times, 0.99),
        times.last().copied().unwrap_or_default(),
        total / POINTS as u32,
    );
}
