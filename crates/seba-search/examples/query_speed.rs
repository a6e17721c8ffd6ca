//! Time queries against an existing index, one at a time (a quick local gauge):
//! `cargo run --release -p seba-search --example query_speed -- DATA_DIR/search [QUERY…]`,
//! optionally with `QUERY_FILTER=status:new,open` (or `category:mfs`, `channel:app`).

use seba_search::home::IndexHome;
use seba_search::index::{SearchIndex, SearchRequest};

fn main() {
    let mut args = std::env::args().skip(1);
    let root = args.next().expect("usage: query_speed SEARCH_DIR [QUERY…]");
    let home = IndexHome::new(root);
    let generation = home.current().unwrap().expect("no published index");
    let ix = SearchIndex::open_read_only(&home.path(&generation)).unwrap();
    let mut queries: Vec<String> = args.collect();
    if queries.is_empty() {
        queries = [
            "বিকাশ",
            "refund",
            "পিন",
            "bkash pin reset",
            "ভুল নম্বরে টাকা",
            "evaly refund pai nai",
            "cash out agent",
            "wrong number 5000",
            "ইভ্যালি অর্ডার ডেলিভারি",
            "recharge balance deducted",
            "ওটিপি ফোন টাকা",
            "alesha mart motorcycle",
            "ক্যাশ আউট এজেন্ট টাকা",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
    }
    println!("{} docs", ix.num_docs());
    for q in &queries {
        let intent = seba_search::analyze_query(q);
        // QUERY_FILTER=status:new,open | category:mfs | channel:app
        let mut req = SearchRequest {
            limit: 20,
            ..SearchRequest::default()
        };
        if let Ok(f) = std::env::var("QUERY_FILTER") {
            match f.split_once(':') {
                Some(("status", v)) => req.statuses = v.split(',').map(String::from).collect(),
                Some(("category", v)) => req.category = Some(v.into()),
                Some(("channel", v)) => req.channel = Some(v.into()),
                _ => panic!("QUERY_FILTER={f}?"),
            }
        }
        let _ = ix.search(&intent, &req).unwrap();
        let n = 10;
        let t = std::time::Instant::now();
        let mut hits = 0;
        for _ in 0..n {
            hits = ix.search(&intent, &req).unwrap().len();
        }
        let alts: usize = intent.terms.iter().map(|t| t.alternatives.len()).sum();
        println!(
            "{:>8.2} ms  {hits:>2} hits  {alts:>2} terms  {q}",
            t.elapsed().as_secs_f64() * 1000.0 / f64::from(n)
        );
    }
}
