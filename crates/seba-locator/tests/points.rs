//! A service point's fields as an administrator types them: every rule of
//! `PointInput::check`, each problem reported in both languages, all at once.

use jiff::Timestamp;
use jiff::civil::date;
use seba_core::bilingual::Explain;
use seba_geo::{DistrictId, DivisionId, Geography, UpazilaId};
use seba_locator::points::{
    FieldError, PointInput, PointKind, PointProblem, Service, ServicePoint,
};

fn geo() -> &'static Geography {
    Geography::bangladesh()
}

/// Motijheel, Dhaka.
fn centre() -> PointInput {
    PointInput {
        kind: "care_centre".into(),
        name_bn: "মতিঝিল কাস্টমার কেয়ার সেন্টার".into(),
        name_en: "Motijheel Customer Care Centre".into(),
        address_bn: "১২ দিলকুশা বা/এ, ঢাকা".into(),
        address_en: "12 Dilkusha C/A, Dhaka".into(),
        district: "Dhaka".into(),
        upazila: None,
        lat: "২৩.৭৩১০".into(),
        lon: "90.4177".into(),
        phone: Some("01712-345678".into()),
        services: vec!["pin_reset".into(), "complaint_intake".into()],
        hours: "Sa-Th 10:00-18:00; PH off".into(),
        notice_bn: None,
        notice_en: None,
        active_from: None,
        active_to: None,
    }
}

fn errors(input: &PointInput) -> Vec<FieldError> {
    input.check(geo()).expect_err("should be refused")
}

fn only(input: &PointInput, field: &str) -> FieldError {
    let errs = errors(input);
    assert_eq!(errs.len(), 1, "{errs:?}");
    assert_eq!(errs[0].field, field, "{errs:?}");
    errs.into_iter().next().unwrap()
}

#[test]
fn a_good_centre_is_checked_and_becomes_a_point() {
    let c = centre().check(geo()).unwrap();
    assert_eq!(c.kind, PointKind::CareCentre);
    assert_eq!(c.district, DistrictId(47));
    assert_eq!(c.division, DivisionId(6));
    assert_eq!(c.upazila, None);
    assert!((c.coord.lat() - 23.731).abs() < 1e-9, "Bengali digits read");
    assert_eq!(c.phone.as_deref(), Some("01712-345678"), "kept as typed");
    assert_eq!(
        c.services.iter().copied().collect::<Vec<_>>(),
        [Service::PinReset, Service::ComplaintIntake]
    );
    let p = ServicePoint::new(7, c, 1, Timestamp::UNIX_EPOCH);
    assert!(!p.closed);
    assert!(p.schedule().is_ok());
    let json = serde_json::to_string(&p).unwrap();
    assert!(json.contains(r#""kind":"care_centre""#), "{json}");
    let back: ServicePoint = serde_json::from_str(&json).unwrap();
    assert_eq!(back, p);
}

#[test]
fn district_by_id_or_either_script_and_upazila_by_name_or_id() {
    for d in ["47", "৪৭", "ঢাকা", "dhaka", " Dhaka "] {
        let mut i = centre();
        i.district = d.into();
        assert_eq!(i.check(geo()).unwrap().district, DistrictId(47), "{d}");
    }
    for u in ["Savar", "সাভার", "365", "৩৬৫"] {
        let mut i = centre();
        i.upazila = Some(u.into());
        assert_eq!(i.check(geo()).unwrap().upazila, Some(UpazilaId(365)), "{u}");
    }
    let mut i = centre();
    i.upazila = Some("  ".into());
    assert_eq!(i.check(geo()).unwrap().upazila, None);
}

#[test]
fn every_problem_is_reported_at_once() {
    let input = PointInput {
        kind: "kiosk".into(),
        lat: "north".into(),
        lon: "east".into(),
        hours: "Mo-Fr 25:00".into(),
        ..PointInput::default()
    };
    let fields: Vec<_> = errors(&input).iter().map(|e| e.field).collect();
    assert_eq!(
        fields,
        [
            "kind",
            "name_bn",
            "name_en",
            "address_bn",
            "address_en",
            "district",
            "lat",
            "lon",
            "services",
            "hours"
        ]
    );
}

#[test]
fn names_are_required_and_bounded() {
    let mut i = centre();
    i.name_bn = "   ".into();
    let e = only(&i, "name_bn");
    assert_eq!(e.explain().en, "`name_bn` is required");
    assert_eq!(e.explain().bn, "`name_bn` দিতে হবে");
    let mut i = centre();
    i.name_en = "x".repeat(121);
    let e = only(&i, "name_en");
    assert_eq!(e.explain().en, "`name_en` may be at most 120 characters");
    assert_eq!(e.explain().bn, "`name_en` সর্বোচ্চ ১২০ অক্ষরের হতে পারে");
    let mut i = centre();
    i.notice_en = Some("y".repeat(301));
    only(&i, "notice_en");
}

#[test]
fn unknown_kind_and_service_codes_are_refused() {
    let mut i = centre();
    i.kind = "kiosk".into();
    let e = only(&i, "kind");
    assert_eq!(e.explain().en, "Unknown PointKind `kiosk`");
    assert!(e.explain().bn.contains("অজানা মান `kiosk`"));
    let mut i = centre();
    i.services = vec!["pin_reset".into(), "loans".into()];
    let e = only(&i, "services");
    assert_eq!(e.explain().en, "Unknown Service `loans`");
    let mut i = centre();
    i.services = vec![" ".into()];
    let e = only(&i, "services");
    assert_eq!(e.problem, PointProblem::NoServices);
    assert_eq!(e.explain().en, "Choose at least one service");
    assert_eq!(e.explain().bn, "অন্তত একটি সেবা বেছে নিন");
    for k in PointKind::ALL {
        assert_eq!(k.as_str().parse::<PointKind>().unwrap(), *k);
        assert!(!k.label().bn.is_empty() && !k.label().en.is_empty());
    }
    for s in Service::ALL {
        assert_eq!(s.as_str().parse::<Service>().unwrap(), *s);
    }
}

#[test]
fn coordinates_must_be_numbers_inside_bangladesh() {
    let mut i = centre();
    i.lat = "23,7".into();
    let e = only(&i, "lat");
    assert_eq!(
        e.explain().en,
        "The latitude must be a number, such as 23.8103"
    );
    assert_eq!(
        e.explain().bn,
        "অক্ষাংশ (latitude) একটি সংখ্যা হতে হবে, যেমন ২৩.৮১০৩"
    );
    let mut i = centre();
    i.lat = "28.6".into();
    i.lon = "77.2".into();
    let e = only(&i, "lat");
    assert_eq!(e.explain().en, "The coordinates are outside Bangladesh");
    assert_eq!(e.explain().bn, "এই অবস্থানটি বাংলাদেশের বাইরে");
    // Kolkata is inside the box around the country, but in no district.
    let mut i = centre();
    i.lat = "22.57".into();
    i.lon = "88.36".into();
    let e = only(&i, "lat");
    assert_eq!(e.problem, PointProblem::NoDistrict);
    assert_eq!(e.explain().bn, "এই অবস্থানটি বাংলাদেশের কোনো জেলায় পড়ে না");
}

#[test]
fn the_district_must_exist_and_hold_the_coordinates() {
    let mut i = centre();
    i.district = "Atlantis".into();
    let e = only(&i, "district");
    assert_eq!(e.explain().en, "There is no district called `Atlantis`");
    assert_eq!(e.explain().bn, "`Atlantis` নামে কোনো জেলা নেই");
    let mut i = centre();
    i.district = "99".into();
    only(&i, "district");
    let mut i = centre();
    i.district = String::new();
    only(&i, "district");
    // Chattogram's coordinates, Dhaka named.
    let mut i = centre();
    i.lat = "22.3569".into();
    i.lon = "91.7832".into();
    let e = only(&i, "district");
    assert_eq!(
        e.explain().en,
        "The coordinates are in Chattogram district, not in Dhaka"
    );
    assert_eq!(e.explain().bn, "এই অবস্থানটি চট্টগ্রাম জেলায়, ঢাকা জেলায় নয়");
}

#[test]
fn the_upazila_must_belong_to_the_district() {
    let mut i = centre();
    i.upazila = Some("Nowhere".into());
    let e = only(&i, "upazila");
    assert_eq!(e.explain().en, "Dhaka district has no upazila `Nowhere`");
    assert_eq!(e.explain().bn, "ঢাকা জেলায় `Nowhere` নামে কোনো উপজেলা নেই");
    // Kaliakair (318) is in Gazipur.
    let mut i = centre();
    i.upazila = Some("318".into());
    let e = only(&i, "upazila");
    assert_eq!(
        e.explain().en,
        "Kaliakair upazila is in Gazipur district, not in Dhaka"
    );
    assert_eq!(e.explain().bn, "কালিয়াকৈর উপজেলা গাজীপুর জেলায়, ঢাকা জেলায় নয়");
    // By name, an upazila of another district is simply not in this one.
    let mut i = centre();
    i.upazila = Some("Kaliakair".into());
    only(&i, "upazila");
}

#[test]
fn phones_are_bangladeshi_mobiles_landlines_or_hotlines() {
    for ok in [
        "01712345678",
        "+880 1712-345678",
        "০১৭১২৩৪৫৬৭৮",
        "02-9556677",
        "02-55667788",
        "031-712345",
        "0521-62345",
        "+880 2 9556677",
        "16247",
        "",
    ] {
        let mut i = centre();
        i.phone = Some(ok.into());
        let c = i.check(geo()).unwrap_or_else(|e| panic!("{ok}: {e:?}"));
        assert_eq!(c.phone.as_deref(), (!ok.is_empty()).then_some(ok), "{ok}");
    }
    for bad in [
        "call us",
        "01212345678",
        "0171234567",
        "12345",
        "02-95",
        "+1 212 555 0100",
        "02-9556677 ext 4",
    ] {
        let mut i = centre();
        i.phone = Some(bad.into());
        let e = only(&i, "phone");
        assert!(
            e.explain().en.starts_with("Enter a valid phone number"),
            "{bad}"
        );
        assert!(e.explain().bn.starts_with("সঠিক ফোন নম্বর দিন"), "{bad}");
    }
}

#[test]
fn hours_must_parse_and_the_column_is_reported() {
    let mut i = centre();
    i.hours = "Sa-Th 10:00-18:00; Fr 25:00-26:00".into();
    let e = only(&i, "hours");
    let PointProblem::Hours(h) = &e.problem else {
        panic!("{e:?}")
    };
    assert!(h.column().is_some(), "{h:?}");
    assert!(e.explain().en.contains("column"), "{}", e.explain().en);
    assert!(e.explain().bn.contains("কলাম"), "{}", e.explain().bn);
    let mut i = centre();
    i.hours = " ".into();
    let e = only(&i, "hours");
    assert_eq!(e.explain().en, "The opening hours are empty");
}

#[test]
fn a_popup_desk_needs_a_date_range_in_order() {
    let mut i = centre();
    i.kind = "popup_desk".into();
    let errs = errors(&i);
    let fields: Vec<_> = errs.iter().map(|e| e.field).collect();
    assert_eq!(fields, ["active_from", "active_to"]);
    assert_eq!(
        errs[0].explain().en,
        "A pop-up desk needs its first and last day"
    );
    assert_eq!(errs[0].explain().bn, "অস্থায়ী বুথের শুরু ও শেষের তারিখ দিতে হবে");

    i.active_from = Some("২০২৭-০১-০১".into());
    i.active_to = Some("2026-12-31".into());
    let e = only(&i, "active_to");
    assert_eq!(
        e.explain().en,
        "The last day cannot be before the first day"
    );
    assert_eq!(e.explain().bn, "শেষের তারিখ শুরুর তারিখের আগে হতে পারে না");

    i.active_to = Some("1 Feb".into());
    let e = only(&i, "active_to");
    assert_eq!(
        e.explain().en,
        "`1 Feb` is not a date; write it like 2026-03-26"
    );
    assert!(e.explain().bn.contains("২০২৬-০৩-২৬"));

    i.active_to = Some("2027-01-31".into());
    let c = i.check(geo()).unwrap();
    assert_eq!(c.active_from, Some(date(2027, 1, 1)));
    assert_eq!(c.active_to, Some(date(2027, 1, 31)));

    // Other kinds may have a range, or half of one.
    let mut i = centre();
    i.active_from = Some("2026-01-01".into());
    assert!(i.check(geo()).is_ok());
}

#[test]
fn a_point_is_active_inside_its_range_unless_closed() {
    let mut i = centre();
    i.kind = "popup_desk".into();
    i.active_from = Some("2027-01-01".into());
    i.active_to = Some("2027-01-31".into());
    let mut p = ServicePoint::new(1, i.check(geo()).unwrap(), 1, Timestamp::UNIX_EPOCH);
    assert!(!p.is_active_on(date(2026, 12, 31)));
    assert!(p.is_active_on(date(2027, 1, 1)));
    assert!(p.is_active_on(date(2027, 1, 31)));
    assert!(!p.is_active_on(date(2027, 2, 1)));
    p.closed = true;
    assert!(!p.is_active_on(date(2027, 1, 15)));

    let p = ServicePoint::new(2, centre().check(geo()).unwrap(), 1, Timestamp::UNIX_EPOCH);
    assert!(p.is_active_on(date(2000, 1, 1)));
}

#[test]
fn input_deserialises_strictly() {
    let i: PointInput =
        serde_json::from_str(r#"{"kind":"drop_box","services":["complaint_intake"]}"#).unwrap();
    assert_eq!(i.kind, "drop_box");
    assert!(serde_json::from_str::<PointInput>(r#"{"colour":"red"}"#).is_err());
}
