//! `seba points import | export | generate`: the service-point directory through files,
//! all or nothing.

use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::common::{Deployment, stderr_of, stdout_of};

const HEADER: &str = "kind,name_bn,name_en,address_bn,address_en,district,upazila,lat,lon,phone,services,hours,notice_bn,notice_en,active_from,active_to";

/// Three good points: quoted cells with commas, quotes and a line break, Bengali digits in
/// the coordinates, a district in Bengali, an upazila, a pop-up desk with its dates.
fn good_rows() -> Vec<String> {
    vec![
        "care_centre,আগ্রাবাদ কাস্টমার কেয়ার সেন্টার,\"Agrabad Customer Care Centre, Chattogram\",আগ্রাবাদ বা/এ,\"Agrabad C/A, \"\"Jahan Building\"\"\",চট্টগ্রাম,,২২.৩২৫৭,৯১.৮১২৩,+8801712345678,pin_reset;complaint_intake,Sa-Th 09:00-19:00; Fr off; PH off,শেষ গ্রাহক পর্যন্ত খোলা,\"Open while customers are inside,\neven after 19:00\",,".into(),
        "popup_desk,সাভার বাণিজ্য মেলা বুথ,Savar trade fair desk,হেমায়েতপুর,Hemayetpur,Dhaka,সাভার,23.8583,90.2667,,account_opening;cash_in_out,Mo-Su 10:00-21:00,,,2027-01-01,2027-01-31".into(),
        "drop_box,মতিঝিল অভিযোগ বাক্স,Motijheel drop box,১২ দিলকুশা,12 Dilkusha C/A,ঢাকা,,23.7310,90.4177,16247,complaint_intake,24/7,,,,".into(),
    ]
}

fn write_file(dep: &Deployment, name: &str, bytes: &[u8]) -> PathBuf {
    let path = dep.dir.path().join(name);
    std::fs::write(&path, bytes).expect("writing a test file");
    path
}

fn csv_file(dep: &Deployment, name: &str, rows: &[String]) -> PathBuf {
    let mut text = String::from(HEADER);
    for r in rows {
        text.push('\n');
        text.push_str(r);
    }
    text.push('\n');
    write_file(dep, name, text.as_bytes())
}

fn path(p: &Path) -> &str {
    p.to_str().expect("a UTF-8 path")
}

/// The CSV export, from stdout.
fn export_csv(dep: &Deployment) -> String {
    dep.run_ok(&["points", "export", "--format", "csv"])
}

fn exported_names(dep: &Deployment) -> Vec<String> {
    let geojson = dep.run_ok(&["points", "export", "--format", "geojson"]);
    let doc: Value = serde_json::from_str(&geojson).expect("GeoJSON");
    doc["features"]
        .as_array()
        .expect("features")
        .iter()
        .map(|f| {
            f["properties"]["name_en"]
                .as_str()
                .unwrap_or("")
                .to_string()
        })
        .collect()
}

/// The exported features with their ids taken out: another store numbers them its way.
fn features_without_ids(geojson: &str) -> Vec<Value> {
    let doc: Value = serde_json::from_str(geojson).expect("GeoJSON");
    let mut features = doc["features"].as_array().expect("features").clone();
    for f in &mut features {
        f.as_object_mut().expect("a feature").remove("id");
    }
    features
}

fn round_trip(dep: &Deployment, other: &Deployment) {
    let file = csv_file(dep, "points.csv", &good_rows());
    let out = dep.run_ok(&["points", "import", path(&file)]);
    assert!(out.contains("Imported 3 of 3 service point(s)"), "{out}");
    assert!(out.contains("৩ সারির ৩টি সেবা কেন্দ্র যোগ হয়েছে"), "{out}");

    // GeoJSON: [lon, lat], the ids, places by English name, services as a list.
    let geojson = dep.run_ok(&["points", "export", "--format", "geojson"]);
    let doc: Value = serde_json::from_str(&geojson).expect("GeoJSON");
    assert_eq!(doc["type"], "FeatureCollection");
    let features = doc["features"].as_array().expect("features");
    assert_eq!(features.len(), 3, "{geojson}");
    let agrabad = features
        .iter()
        .find(|f| f["properties"]["kind"] == "care_centre")
        .expect("the care centre");
    assert_eq!(agrabad["geometry"]["type"], "Point");
    assert_eq!(
        agrabad["geometry"]["coordinates"],
        serde_json::json!([91.8123, 22.3257])
    );
    assert_eq!(agrabad["properties"]["district"], "Chattogram");
    assert_eq!(
        agrabad["properties"]["services"],
        serde_json::json!(["pin_reset", "complaint_intake"])
    );
    assert_eq!(
        agrabad["properties"]["notice_en"],
        "Open while customers are inside,\neven after 19:00"
    );
    let savar = features
        .iter()
        .find(|f| f["properties"]["kind"] == "popup_desk")
        .expect("the desk");
    assert_eq!(savar["properties"]["upazila"], "Savar");
    assert_eq!(savar["properties"]["active_to"], "2027-01-31");

    // CSV, to a file: the same points in the same columns.
    let csv_path = dep.dir.path().join("export.csv");
    let out = dep.run_ok(&["points", "export", "--output", path(&csv_path)]);
    assert!(out.contains("exported 3 service point(s)"), "{out}");
    let csv = std::fs::read(&csv_path).expect("the exported CSV");
    assert!(csv.starts_with(b"\xEF\xBB\xBF"), "a BOM for spreadsheets");
    assert_eq!(
        csv,
        export_csv(dep).into_bytes(),
        "stdout and --output agree"
    );

    // Both exports import into another deployment as the same points.
    let geo_path = write_file(other, "export.geojson", geojson.as_bytes());
    let out = other.run_ok(&["points", "import", path(&geo_path), "--dry-run"]);
    assert!(out.contains("3 of 3 row(s) would be imported"), "{out}");
    assert_eq!(
        exported_names(other),
        Vec::<String>::new(),
        "a dry run stores nothing"
    );
    let o = other.run(&["points", "import", path(&geo_path)]);
    assert!(o.status.success(), "{}", stderr_of(&o));
    assert!(
        stderr_of(&o).contains("column(s) closed, division are not imported"),
        "{}",
        stderr_of(&o)
    );
    assert_eq!(
        features_without_ids(&other.run_ok(&["points", "export", "--format", "geojson"])),
        features_without_ids(&geojson),
        "GeoJSON → GeoJSON"
    );
    let csv_in = write_file(other, "again.csv", &csv);
    other.run_ok(&["points", "import", path(&csv_in)]);
    let names = exported_names(other);
    assert_eq!(names.len(), 6, "{names:?}");
    // The audit trail of every imported point is intact.
    other.run_ok(&["audit", "verify"]);
}

#[test]
fn points_import_and_export_round_trip_on_sqlite() {
    let dep = Deployment::sqlite("points-sqlite");
    let other = Deployment::sqlite("points-sqlite-other");
    round_trip(&dep, &other);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn points_import_and_export_round_trip_on_postgres() {
    let test = "points_round_trip_pg";
    let Some(dep) = Deployment::postgres(test).await else {
        return;
    };
    let Some(other) = Deployment::postgres(test).await else {
        return;
    };
    tokio::task::spawn_blocking(move || round_trip(&dep, &other))
        .await
        .expect("the round trip");
}

#[test]
fn a_bad_file_is_refused_with_its_line_numbers_and_nothing_is_stored() {
    let dep = Deployment::sqlite("points-bad");
    let mut rows = good_rows();
    // Line 2 is the care centre, which spans lines 2 and 3; the desk is line 4, the drop
    // box line 5. Then: across the border in Kolkata (6), not numbers and an unknown district (7),
    // malformed hours (8), too few cells (9).
    rows.push(
        "agent_point,এজেন্ট,Kolkata agent,ঠিকানা,Address,Dhaka,,22.5726,88.3639,,cash_in_out,24/7,,,,"
            .into(),
    );
    rows.push(
        "agent_point,এজেন্ট,Agent,ঠিকানা,Address,Atlantis,,north,90.4,,cash_in_out,24/7,,,,".into(),
    );
    rows.push("agent_point,এজেন্ট,Agent,ঠিকানা,Address,Dhaka,,23.7310,90.4177,,cash_in_out,Sa-Th 09:00-1900,,,,".into());
    rows.push("agent_point,এজেন্ট,Agent".into());
    let file = csv_file(&dep, "bad.csv", &rows);
    let out = dep.run(&["points", "import", path(&file)]);
    let err = stderr_of(&out);
    assert!(!out.status.success(), "a bad file was accepted:\n{err}");
    for want in [
        "line 6: lat: The coordinates are not in any district of Bangladesh",
        "লাইন ৬: lat: এই অবস্থানটি বাংলাদেশের কোনো জেলায় পড়ে না",
        "line 7: district: There is no district called `Atlantis`",
        "line 7: lat: The latitude must be a number",
        "line 8: hours: Cannot read the opening hours at column 13",
        "লাইন ৮: hours: খোলার সময়ের লেখায় কলাম ১৩",
        "line 9: This row has 3 cells where the header has 16",
        "4 of 7 row(s) have problems; the file was refused and nothing was stored",
        "৭ সারির ৪টিতে সমস্যা",
    ] {
        assert!(err.contains(want), "missing {want:?} in:\n{err}");
    }
    assert!(
        !err.contains("line 2:") && !err.contains("line 4:"),
        "{err}"
    );
    assert_eq!(exported_names(&dep), Vec::<String>::new());
    let csv = export_csv(&dep);
    assert_eq!(csv.lines().count(), 1, "only the header: {csv}");

    // Broken UTF-8 in line 3, wrong columns, a missing file: clear errors, nothing stored.
    let mut bytes = format!("{HEADER}\n{}\n", good_rows()[2]).into_bytes();
    bytes.extend_from_slice(b"drop_box,\xE0\xA6,x\n");
    let broken = write_file(&dep, "broken.csv", &bytes);
    let out = dep.run(&["points", "import", path(&broken)]);
    assert!(!out.status.success());
    assert!(
        stderr_of(&out).contains("not UTF-8 text: line 3"),
        "{}",
        stderr_of(&out)
    );
    let wrong = write_file(&dep, "wrong.csv", b"kind,name,latitude\ncare_centre,x,23\n");
    let out = dep.run(&["points", "import", path(&wrong)]);
    assert!(!out.status.success());
    assert!(
        stderr_of(&out).contains("Unknown column(s): `name`, `latitude`"),
        "{}",
        stderr_of(&out)
    );
    let out = dep.run(&["points", "import", path(&dep.dir.path().join("nope.csv"))]);
    assert!(!out.status.success());
    assert!(
        stderr_of(&out).contains("cannot read"),
        "{}",
        stderr_of(&out)
    );
    let geo = write_file(&dep, "points.geojson", br#"{"type": "Feature"}"#);
    let out = dep.run(&["points", "import", path(&geo)]);
    assert!(
        stderr_of(&out).contains("not a GeoJSON FeatureCollection"),
        "{}",
        stderr_of(&out)
    );
    assert_eq!(exported_names(&dep), Vec::<String>::new());
}

#[test]
fn skip_bad_stores_the_good_rows_and_reports_the_bad_ones() {
    let dep = Deployment::sqlite("points-skip");
    let mut rows = good_rows();
    rows.insert(
        1,
        "agent_point,এজেন্ট,Swapped,ঠিকানা,Address,Dhaka,,90.4177,23.7310,,cash_in_out,24/7,,,,"
            .into(),
    );
    let file = csv_file(&dep, "mixed.csv", &rows);
    let out = dep.run(&["points", "import", path(&file), "--skip-bad"]);
    assert!(out.status.success(), "{}", stderr_of(&out));
    assert!(
        stdout_of(&out).contains("Imported 3 of 4 service point(s); 1 bad row(s) skipped"),
        "{}",
        stdout_of(&out)
    );
    assert!(
        stderr_of(&out).contains("line 4: lat: ") && stderr_of(&out).contains("look swapped"),
        "{}",
        stderr_of(&out)
    );
    let mut names = exported_names(&dep);
    names.sort();
    assert_eq!(
        names,
        [
            "Agrabad Customer Care Centre, Chattogram",
            "Motijheel drop box",
            "Savar trade fair desk"
        ]
    );
}

#[test]
fn generated_agent_points_are_stored_and_exported() {
    let dep = Deployment::sqlite("points-generate");
    let out = dep.run_ok(&["points", "generate", "--agents", "25", "--seed", "7"]);
    assert!(out.contains("generated 25 agent point(s)"), "{out}");
    let csv = export_csv(&dep);
    assert_eq!(csv.lines().count(), 26, "{csv}");
    assert!(csv.contains("agent_point"), "{csv}");
}
