//! One English spelling per unit, and the others kept as aliases.
//!
//! The source files disagree with each other and with current usage. In 2018 the
//! government changed the official English spelling of five names (Chittagong →
//! Chattogram, Comilla → Cumilla, Barisal → Barishal, Jessore → Jashore, Bogra → Bogura);
//! `districts.json` follows the change for three of them, `divisions.json` for none, and
//! the boundary file (`ADM2_EN`, `ADM1_EN`) uses the old spellings plus a few of its own
//! (Brahamanbaria, Maulvibazar, Netrakona, Jhalokati, Nawabganj for Chapainawabganj).
//! Where no official change applies, the spelling of the district's own portal
//! (`<name>.gov.bd`, as listed in `districts.json`) is kept: Jhalakathi, Moulvibazar,
//! Netrokona, Chapainawabganj, Brahmanbaria, and Cox's Bazar as that portal writes it.
//!
//! Upazila and union names get the same treatment where they carry an old district
//! spelling ("Comilla Sadar") or are plainly damaged in the source: a digit glued on
//! ("Maijchar9"), a direction glued on ("Jorkanoneast") or dropped, so that two unions
//! share a name the Bengali tells apart ("Natai" twice, নাটাই (দক্ষিন) and নাটাই (উত্তর)).
//! Each fix names the spelling it replaces; one that no longer finds it does nothing, and
//! a test says so, so an updated data set cannot be silently "fixed" wrongly.
//!
//! Bengali names are left as the source spells them (some use দক্ষিন for দক্ষিণ or পুর্ব
//! for পূর্ব); the search's phonetic keys treat those pairs alike.

/// A division's or district's English name: as `divisions.json`/`districts.json` spell
/// it, the spelling seba shows, and every other spelling it answers to (which includes
/// the source's own when that is replaced, and the boundary file's).
#[derive(Debug)]
pub(crate) struct Respelling {
    pub source: &'static str,
    pub canonical: &'static str,
    pub aliases: &'static [&'static str],
}

const fn re(
    source: &'static str,
    canonical: &'static str,
    aliases: &'static [&'static str],
) -> Respelling {
    Respelling {
        source,
        canonical,
        aliases,
    }
}

pub(crate) const DIVISIONS: &[Respelling] = &[
    re("Chattagram", "Chattogram", &["Chattagram", "Chittagong"]),
    re("Barisal", "Barishal", &["Barisal"]),
];

pub(crate) const DISTRICTS: &[Respelling] = &[
    re("Comilla", "Cumilla", &["Comilla"]),
    re("Barisal", "Barishal", &["Barisal"]),
    re("Chattogram", "Chattogram", &["Chittagong"]),
    re("Jashore", "Jashore", &["Jessore"]),
    re("Bogura", "Bogura", &["Bogra"]),
    re("Coxsbazar", "Cox's Bazar", &["Coxsbazar"]),
    re("Brahmanbaria", "Brahmanbaria", &["Brahamanbaria"]),
    re("Jhalakathi", "Jhalakathi", &["Jhalokati"]),
    re("Moulvibazar", "Moulvibazar", &["Maulvibazar"]),
    re(
        "Chapainawabganj",
        "Chapainawabganj",
        &["Chapai Nawabganj", "Nawabganj"],
    ),
    re("Netrokona", "Netrokona", &["Netrakona"]),
];

/// A fix to one row's English name: (id, as the source spells it, as seba spells it).
pub(crate) type Fix = (u16, &'static str, &'static str);

pub(crate) const UPAZILA_FIXES: &[Fix] = &[(14, "Sadarsouth", "Cumilla Sadar Dakshin")];

pub(crate) const UNION_FIXES: &[Fix] = &[
    (156, "Jorkanoneast", "Jorkanon (East)"),
    (158, "Jorkanonwest", "Jorkanon (West)"),
    (242, "Natai", "Natai (South)"),
    (243, "Natai", "Natai (North)"),
    (283, "Talshaharw", "Talshahar (West)"),
    (290, "Akhauran", "Akhaura (North)"),
    (291, "Akhauras", "Akhaura (South)"),
    (297, "Nabinagare", "Nabinagar (East)"),
    (298, "Nabinagarw", "Nabinagar (West)"),
    (501, "Chitoshiwest", "Chitoshi (West)"),
    (1414, "1nomohadevpur", "Mohadevpur"),
    (3177, "Maijchar9", "Maijchar"),
];

/// The English name and aliases for a division or district spelled `source`.
pub(crate) fn respell(table: &[Respelling], source: &str) -> (String, Vec<String>) {
    match table.iter().find(|r| r.source == source) {
        Some(r) => (
            r.canonical.to_string(),
            r.aliases.iter().map(|a| a.to_string()).collect(),
        ),
        None => (source.to_string(), Vec::new()),
    }
}

/// The English name and aliases of row `id` spelled `source`, given its table of fixes.
pub(crate) fn fix(fixes: &[Fix], id: u16, source: &str) -> (String, Vec<String>) {
    match fixes
        .iter()
        .find(|(i, from, _)| *i == id && *from == source)
    {
        Some((_, from, to)) => (to.to_string(), vec![from.to_string()]),
        None => (source.to_string(), Vec::new()),
    }
}

/// An upazila named after its district with an old spelling ("Comilla Sadar" in
/// Cumilla) takes the district's spelling; the old name becomes an alias.
pub(crate) fn follow_district(
    name: &str,
    district_en: &str,
    district_aliases: &[String],
) -> Option<String> {
    district_aliases.iter().find_map(|old| {
        let rest = name.strip_prefix(old.as_str())?.strip_prefix(' ')?;
        (old != district_en).then(|| format!("{district_en} {rest}"))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn respelling_keeps_the_old_name_as_an_alias() {
        assert_eq!(
            respell(DISTRICTS, "Comilla"),
            ("Cumilla".to_string(), vec!["Comilla".to_string()])
        );
        assert_eq!(respell(DISTRICTS, "Feni"), ("Feni".to_string(), vec![]));
    }

    #[test]
    fn fixes_apply_only_to_the_spelling_they_name() {
        assert_eq!(fix(UNION_FIXES, 3177, "Maijchar9").0, "Maijchar");
        // The source changed: the fix steps aside.
        assert_eq!(fix(UNION_FIXES, 3177, "Maijchar").0, "Maijchar");
        assert_eq!(fix(UNION_FIXES, 1, "Maijchar9").0, "Maijchar9");
    }

    #[test]
    fn sadar_upazilas_follow_their_district() {
        let aliases = vec!["Comilla".to_string()];
        assert_eq!(
            follow_district("Comilla Sadar", "Cumilla", &aliases).as_deref(),
            Some("Cumilla Sadar")
        );
        assert_eq!(follow_district("Comillapur", "Cumilla", &aliases), None);
        assert_eq!(follow_district("Daudkandi", "Cumilla", &aliases), None);
    }
}
