//! The nearest-k budget (issue 5): among 500,000 points, the 5 nearest in p99 ≤ 20 µs
//! in-process, and the index built in ≤ 2 s; memory per point recorded.
//!
//! Points are spread the way agent points are: dense in Dhaka and Chattogram, clustered
//! around the 64 district towns, thinner in the countryside between them. Queries come
//! half from where the points are (people live where agents are) and half from the
//! countryside. Seeded, so every run measures the same thing.
//!
//! ```text
//! cargo run --release -p seba-locator --example nearest_speed
//! ```

use std::hint::black_box;
use std::time::{Duration, Instant};

use seba_locator::nearest::{Coord, Limit, PointId, PointIndex};

const POINTS: usize = 500_000;
const QUERIES: usize = 100_000;

/// District headquarters (latitude, longitude), from the bd-geo data set's districts.json.
const DISTRICT_TOWNS: [(f64, f64); 64] = [
    (23.4683, 91.1788), // Cumilla
    (23.0232, 91.3841), // Feni
    (23.9571, 91.1119), // Brahmanbaria
    (22.6556, 92.1754), // Rangamati
    (22.8696, 91.0994), // Noakhali
    (23.2333, 90.6713), // Chandpur
    (22.9425, 90.8412), // Lakshmipur
    (22.3351, 91.8341), // Chattogram
    (21.4432, 91.9738), // Cox's Bazar
    (23.1193, 91.9847), // Khagrachhari
    (22.1953, 92.2184), // Bandarban
    (24.4534, 89.7007), // Sirajganj
    (23.9985, 89.2336), // Pabna
    (24.8465, 89.3778), // Bogura
    (24.3723, 88.5631), // Rajshahi
    (24.4206, 89.0003), // Natore
    (25.0964, 89.0400), // Joypurhat
    (24.5965, 88.2775), // Chapainawabganj
    (24.8326, 88.9249), // Naogaon
    (23.1664, 89.2081), // Jashore
    (22.7181, 89.0687), // Satkhira
    (23.7622, 88.6318), // Meherpur
    (23.1725, 89.5127), // Narail
    (23.6402, 88.8418), // Chuadanga
    (23.9013, 89.1205), // Kushtia
    (23.4873, 89.4200), // Magura
    (22.8158, 89.5687), // Khulna
    (22.6516, 89.7859), // Bagerhat
    (23.5448, 89.1539), // Jhenaidah
    (22.6423, 90.2004), // Jhalokathi
    (22.3596, 90.3299), // Patuakhali
    (22.5781, 89.9984), // Pirojpur
    (22.7004, 90.3732), // Barishal
    (22.6859, 90.6482), // Bhola
    (22.1592, 90.1256), // Barguna
    (24.8898, 91.8698), // Sylhet
    (24.4829, 91.7774), // Moulvibazar
    (24.3749, 91.4155), // Habiganj
    (25.0658, 91.3950), // Sunamganj
    (23.9322, 90.7154), // Narsingdi
    (24.0023, 90.4264), // Gazipur
    (23.2060, 90.3478), // Shariatpur
    (23.6337, 90.4965), // Narayanganj
    (24.2641, 89.9180), // Tangail
    (24.4449, 90.7766), // Kishoreganj
    (23.8602, 90.0018), // Manikganj
    (23.7115, 90.4111), // Dhaka
    (23.5436, 90.5354), // Munshiganj
    (23.7574, 89.6445), // Rajbari
    (23.1641, 90.1897), // Madaripur
    (23.0051, 89.8266), // Gopalganj
    (23.6071, 89.8429), // Faridpur
    (26.3411, 88.5542), // Panchagarh
    (25.6217, 88.6355), // Dinajpur
    (25.9165, 89.4532), // Lalmonirhat
    (25.9318, 88.8560), // Nilphamari
    (25.3288, 89.5281), // Gaibandha
    (26.0337, 88.4617), // Thakurgaon
    (25.7558, 89.2445), // Rangpur
    (25.8054, 89.6362), // Kurigram
    (25.0205, 90.0153), // Sherpur
    (24.7466, 90.4072), // Mymensingh
    (24.9375, 89.9378), // Jamalpur
    (24.8710, 90.7279), // Netrokona
];

const DHAKA: (f64, f64) = (23.7806, 90.4070);
const CHATTOGRAM: (f64, f64) = (22.3351, 91.8341);

/// SplitMix64: small, fast, and good enough to scatter points.
struct SplitMix64(u64);

impl SplitMix64 {
    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    fn below(&mut self, n: usize) -> usize {
        (self.unit() * n as f64) as usize
    }

    /// Standard normal (Box–Muller).
    fn normal(&mut self) -> f64 {
        let u = 1.0 - self.unit();
        let v = self.unit();
        (-2.0 * u.ln()).sqrt() * (std::f64::consts::TAU * v).cos()
    }

    /// A place scattered around `centre` with a spread of `sigma` degrees, tried again
    /// until it lands inside the country's box.
    fn around(&mut self, (lat, lon): (f64, f64), sigma: f64) -> Coord {
        loop {
            let at = Coord::new(lat + sigma * self.normal(), lon + sigma * self.normal());
            if let Ok(at) = at {
                return at;
            }
        }
    }

    fn town(&mut self) -> (f64, f64) {
        DISTRICT_TOWNS[self.below(DISTRICT_TOWNS.len())]
    }

    /// Where agents are: 30% in Dhaka, 10% in Chattogram, 40% in and around district
    /// towns, 20% in the countryside.
    fn agent_place(&mut self) -> Coord {
        match self.below(10) {
            0..=2 => self.around(DHAKA, 0.06),
            3 => self.around(CHATTOGRAM, 0.05),
            4..=7 => {
                let town = self.town();
                self.around(town, 0.03)
            }
            _ => self.countryside(),
        }
    }

    fn countryside(&mut self) -> Coord {
        let town = self.town();
        self.around(town, 0.25)
    }
}

/// What a filter looks at; 30% of agents are open at the time asked.
#[derive(Clone, Copy)]
struct Agent {
    open: bool,
}

/// The resident and peak memory of this process, in bytes (Linux).
fn memory() -> (u64, u64) {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find_map(|line| line.strip_prefix(name))
            .and_then(|rest| {
                rest.trim()
                    .trim_end_matches("kB")
                    .trim()
                    .parse::<u64>()
                    .ok()
            })
            .map_or(0, |kb| kb * 1024)
    };
    (field("VmRSS:"), field("VmHWM:"))
}

fn micros(d: Duration) -> f64 {
    d.as_secs_f64() * 1e6
}

fn report(label: &str, mut times: Vec<Duration>, candidates: usize) {
    times.sort_unstable();
    let at = |q: f64| micros(times[((times.len() - 1) as f64 * q).round() as usize]);
    let max = times.last().copied().map_or(0.0, micros);
    println!(
        "{label:<32} p50 {:>6.2} µs   p99 {:>6.2} µs   p99.9 {:>6.2} µs   \
         max {:>7.2} µs   ({:.1} filter calls/query)",
        at(0.50),
        at(0.99),
        at(0.999),
        max,
        candidates as f64 / times.len() as f64,
    );
}

fn main() {
    let mut rng = SplitMix64(0x5EBA_0005);
    let (rss_start, _) = memory();

    let points: Vec<_> = (0..POINTS)
        .map(|i| {
            let open = rng.below(10) < 3;
            (PointId(i as i64), rng.agent_place(), Agent { open })
        })
        .collect();
    let (rss_input, _) = memory();

    let started = Instant::now();
    let index = match PointIndex::build(points) {
        Ok(index) => index,
        Err(e) => {
            eprintln!("build failed: {e}");
            std::process::exit(1);
        }
    };
    let build = started.elapsed();
    let (rss_built, peak) = memory();
    println!(
        "build {} points: {:.0} ms",
        index.len(),
        build.as_secs_f64() * 1e3
    );
    println!(
        "memory (VmRSS): {:.1} MB before the input, {:.1} MB with the input, \
         {:.1} MB with the index (input consumed), peak {:.1} MB",
        rss_start as f64 / 1e6,
        rss_input as f64 / 1e6,
        rss_built as f64 / 1e6,
        peak as f64 / 1e6,
    );
    println!(
        "index: {} bytes per point (resident after build − resident before the input)",
        rss_built.saturating_sub(rss_start) / POINTS as u64,
    );

    let queries: Vec<Coord> = (0..QUERIES)
        .map(|i| {
            if i % 2 == 0 {
                rng.agent_place()
            } else {
                rng.countryside()
            }
        })
        .collect();
    let k = Limit::DEFAULT;

    // Warm the caches and the branch predictors the way a running server's are.
    for &q in queries.iter().take(10_000) {
        black_box(index.nearest(q, k, |_| true));
    }

    for (label, only_open) in [
        ("nearest 5, no filter", false),
        ("nearest 5, open only (30% pass)", true),
    ] {
        let mut times = Vec::with_capacity(QUERIES);
        let mut calls = 0usize;
        for &q in &queries {
            let started = Instant::now();
            let hits = index.nearest(q, k, |agent| {
                calls += 1;
                !only_open || agent.open
            });
            times.push(started.elapsed());
            black_box(hits);
        }
        report(label, times, calls);
    }
}
