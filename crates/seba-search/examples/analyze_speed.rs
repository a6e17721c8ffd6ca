//! How fast the analyzer and the index run on intake-like texts (a quick local gauge).

fn main() {
    let texts = [
        "আমি ৫০০০ টাকা সেন্ড মানি করতে গিয়ে এক অঙ্ক ভুল করেছি। টাকাটা ফেরত চাই।",
        "I sent 2,500 taka to a wrong number yesterday evening. Please help me get it back.",
        "ক্যাশ আউট করেছি, ব্যালেন্স কেটেছে কিন্তু এজেন্ট বলছে টাকা পায়নি।",
    ];
    let n = 30_000;
    let t = std::time::Instant::now();
    let mut tokens = 0;
    for i in 0..n {
        tokens += seba_search::analyze(texts[i % 3]).len();
    }
    let per = t.elapsed() / n as u32;
    println!("analyze: {per:?} per text, {} tokens per text", tokens / n);
    let ix = seba_search::index::SearchIndex::in_memory().unwrap();
    let t = std::time::Instant::now();
    let docs: Vec<_> = (0..n)
        .map(|i| seba_search::index::CaseDoc {
            case_id: i as i64,
            status: "new".into(),
            queue: Some("hotline".into()),
            category: "mfs.wrong_transfer".into(),
            channel: "api".into(),
            phone: Some("01712345678".into()),
            created_at: i as i64,
            subject: texts[i % 3].chars().take(40).collect(),
            body: format!("Load Test\n{}", texts[i % 3]),
        })
        .collect();
    for chunk in docs.chunks(2000) {
        ix.apply(chunk.to_vec(), &[], "p").unwrap();
    }
    println!("index: {:?} per case doc", t.elapsed() / n as u32);
}
