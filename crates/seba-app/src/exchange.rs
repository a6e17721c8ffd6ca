//! Service points imported from a file, and exported to one.
//!
//! A file is read by `seba_locator::exchange` into a [`Sheet`]; here every row is checked
//! with [`PointInput::check`](seba_locator::points::PointInput::check) against
//! Bangladesh's geography — the same door a form goes through — and the good ones are
//! stored by [`App::add_points`], in **one** transaction, each with its audit event and
//! outbox row. So an import never stops half way: in [`ImportMode::AllOrNothing`] (the
//! default) one bad row means nothing is stored and the report names every bad row; in
//! [`ImportMode::SkipBad`] the good rows are stored and the bad ones reported as skipped.
//! [`App::check_import`] runs the same checks and stores nothing (a dry run).
//!
//! An import always adds new, open points; importing a file twice adds its points twice.

use seba_core::bilingual::{Bilingual, Explain};
use seba_core::text::bengali_digits;
use seba_geo::Geography;
use seba_locator::points::{Checked, FieldError, ServicePoint};

pub use seba_locator::exchange::{
    COLUMNS, FileError, Format, IGNORED, Position, REQUIRED, Row, RowProblem, Sheet, UnknownFormat,
    Unreadable, read,
};

use crate::cases::Caller;
use crate::{App, AppError};

/// What to do with the good rows of a file that also has bad ones.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ImportMode {
    /// Store nothing unless every row is good.
    #[default]
    AllOrNothing,
    /// Store the good rows; report the bad ones as skipped.
    SkipBad,
}

/// One bad row of a file, and everything wrong with it.
#[derive(Debug, Clone, PartialEq)]
pub struct RowError {
    pub at: Position,
    pub fault: RowFault,
}

#[derive(Debug, Clone, PartialEq)]
pub enum RowFault {
    /// The row could not be read as a point at all (wrong number of cells, not a Point).
    Unreadable(RowProblem),
    /// The row was read; these fields failed their checks (all of them, in field order).
    Invalid(Vec<FieldError>),
}

impl RowError {
    /// One entry per problem: the field it is about (if any) and what is wrong, in both
    /// languages. A report prints each as `line 7: lat: …`.
    pub fn problems(&self) -> Vec<(Option<&'static str>, Bilingual)> {
        match &self.fault {
            RowFault::Unreadable(p) => vec![(None, p.explain())],
            RowFault::Invalid(errors) => errors
                .iter()
                .map(|e| (Some(e.field), e.explain()))
                .collect(),
        }
    }
}

impl Explain for RowError {
    /// `line 7: lat: …; lon: …`
    fn explain(&self) -> Bilingual {
        let at = self.at.label();
        let join = |lang: fn(&Bilingual) -> &str| {
            self.problems()
                .iter()
                .map(|(field, text)| match field {
                    Some(f) => format!("{f}: {}", lang(text)),
                    None => lang(text).to_owned(),
                })
                .collect::<Vec<_>>()
                .join("; ")
        };
        Bilingual::new(
            format!("{}: {}", at.bn, join(|b| &b.bn)),
            format!("{}: {}", at.en, join(|b| &b.en)),
        )
    }
}

impl std::fmt::Display for RowError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.explain().en)
    }
}

/// What an import did, or would do.
#[derive(Debug, Clone, PartialEq)]
pub struct ImportReport {
    pub mode: ImportMode,
    /// Checked only ([`App::check_import`]): nothing was stored.
    pub dry_run: bool,
    /// Rows in the file, good and bad.
    pub rows: usize,
    /// Rows that passed every check.
    pub valid: usize,
    /// The points stored, in file order; empty for a refused import or a dry run.
    pub imported: Vec<ServicePoint>,
    /// Every bad row, in file order.
    pub bad: Vec<RowError>,
    /// Columns present in the file that an import passes over (`id`, `division`, `closed`).
    pub ignored_columns: Vec<String>,
}

impl ImportReport {
    /// Whether the file was refused as a whole: bad rows in all-or-nothing mode.
    pub fn refused(&self) -> bool {
        self.mode == ImportMode::AllOrNothing && !self.bad.is_empty()
    }

    /// How many points were (or, in a dry run, would be) stored.
    pub fn stored(&self) -> usize {
        if self.refused() {
            0
        } else if self.dry_run {
            self.valid
        } else {
            self.imported.len()
        }
    }

    /// One sentence on the outcome.
    pub fn summary(&self) -> Bilingual {
        let n = |n: usize| bengali_digits(&n.to_string());
        let (rows, bad, stored) = (self.rows, self.bad.len(), self.stored());
        if self.refused() {
            let verb = if self.dry_run {
                ("নেওয়া যাবে না", "would be refused")
            } else {
                ("নেওয়া হয়নি", "refused")
            };
            return Bilingual::new(
                format!(
                    "{} সারির {}টিতে সমস্যা; ফাইলটি {}, কিছুই সংরক্ষণ করা হয়নি",
                    n(rows),
                    n(bad),
                    verb.0
                ),
                format!(
                    "{bad} of {rows} row(s) have problems; the file {} and nothing was stored",
                    if self.dry_run {
                        "would be refused"
                    } else {
                        "was refused"
                    }
                ),
            );
        }
        let skipped_bn = if bad > 0 {
            format!("; {}টি সারি বাদ", n(bad))
        } else {
            String::new()
        };
        let skipped_en = if bad > 0 {
            format!("; {bad} bad row(s) skipped")
        } else {
            String::new()
        };
        if self.dry_run {
            Bilingual::new(
                format!(
                    "যাচাই শেষ: {} সারির {}টি সেবা কেন্দ্র সংরক্ষণ করা যাবে{skipped_bn}; কিছুই সংরক্ষণ করা হয়নি",
                    n(rows),
                    n(stored)
                ),
                format!(
                    "Checked: {stored} of {rows} row(s) would be imported{skipped_en}; nothing was stored"
                ),
            )
        } else {
            Bilingual::new(
                format!(
                    "{} সারির {}টি সেবা কেন্দ্র যোগ হয়েছে{skipped_bn}",
                    n(rows),
                    n(stored)
                ),
                format!("Imported {stored} of {rows} service point(s){skipped_en}"),
            )
        }
    }
}

/// Check every row of `sheet` against `geo`: the good rows' fields, and every bad row, in
/// file order.
pub fn check_rows(sheet: Sheet, geo: &Geography) -> (Vec<(Position, Checked)>, Vec<RowError>) {
    let mut good = Vec::with_capacity(sheet.rows.len());
    let mut bad: Vec<RowError> = sheet
        .unreadable
        .into_iter()
        .map(|u| RowError {
            at: u.at,
            fault: RowFault::Unreadable(u.problem),
        })
        .collect();
    for row in sheet.rows {
        match row.input.check(geo) {
            Ok(fields) => good.push((row.at, fields)),
            Err(errors) => bad.push(RowError {
                at: row.at,
                fault: RowFault::Invalid(errors),
            }),
        }
    }
    bad.sort_by_key(|e| e.at);
    (good, bad)
}

impl App {
    /// Import the points of `sheet` (see the module docs): checked, then stored in one
    /// transaction, or not at all. Supervisors, admins and the system only.
    pub async fn import_points(
        &self,
        sheet: Sheet,
        mode: ImportMode,
        caller: Caller,
    ) -> Result<ImportReport, AppError> {
        self.import(sheet, mode, caller, false).await
    }

    /// What [`App::import_points`] would do, storing nothing.
    pub async fn check_import(
        &self,
        sheet: Sheet,
        mode: ImportMode,
        caller: Caller,
    ) -> Result<ImportReport, AppError> {
        self.import(sheet, mode, caller, true).await
    }

    async fn import(
        &self,
        sheet: Sheet,
        mode: ImportMode,
        caller: Caller,
        dry_run: bool,
    ) -> Result<ImportReport, AppError> {
        // An empty batch stores nothing but is refused to a caller who may not manage
        // points, so the permission rule stays in one place.
        self.add_points(Vec::new(), caller).await?;
        let rows = sheet.len();
        let ignored_columns = sheet.ignored.clone();
        let (good, bad) = check_rows(sheet, Geography::bangladesh());
        let mut report = ImportReport {
            mode,
            dry_run,
            rows,
            valid: good.len(),
            imported: Vec::new(),
            bad,
            ignored_columns,
        };
        if dry_run || report.refused() {
            return Ok(report);
        }
        let batch = good.into_iter().map(|(_, fields)| fields).collect();
        report.imported = self.add_points(batch, caller).await?;
        tracing::info!(
            imported = report.imported.len(),
            skipped = report.bad.len(),
            "service points imported"
        );
        Ok(report)
    }

    /// Every point (closed ones only if asked for) as a file in `format`, in the order of
    /// [`App::points`].
    pub async fn export_points(
        &self,
        format: Format,
        include_closed: bool,
    ) -> Result<Export, AppError> {
        let points = self.points(include_closed).await?;
        Ok(Export {
            points: points.len(),
            bytes: seba_locator::exchange::write(&points, Geography::bangladesh(), format),
        })
    }
}

/// A file of points, and how many it holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Export {
    pub points: usize,
    pub bytes: Vec<u8>,
}

#[cfg(test)]
mod tests {
    use seba_core::ids::UserId;
    use seba_core::staff::Role;

    use super::*;
    use crate::testing::TestApp;

    const HEADER: &str =
        "kind,name_bn,name_en,address_bn,address_en,district,upazila,lat,lon,phone,services,hours";

    fn good(name: &str) -> String {
        format!(
            "care_centre,মতিঝিল,{name},১২ দিলকুশা,12 Dilkusha,ঢাকা,,23.7310,90.4177,02-9556677,pin_reset,Sa-Th 10:00-18:00; PH off"
        )
    }

    /// Two good rows around three bad ones: lines 3 (not numbers), 4 (too few cells)
    /// and 5 (unknown district, hours that break at column 7).
    fn mixed() -> Sheet {
        let file = [
            HEADER.to_owned(),
            good("Motijheel"),
            "care_centre,মতিঝিল,Bad,ঠিকানা,Address,ঢাকা,,north,east,,pin_reset,24/7".to_owned(),
            "care_centre,মতিঝিল".to_owned(),
            "agent_point,এজেন্ট,Agent,ঠিকানা,Address,Atlantis,,23.7310,90.4177,,cash_in_out,Mo-Fr 25:00-26:00".to_owned(),
            good("Dilkusha"),
        ]
        .join("\n");
        read(file.as_bytes(), Format::Csv).unwrap()
    }

    fn fields(e: &RowError) -> Vec<Option<&'static str>> {
        e.problems().into_iter().map(|(f, _)| f).collect()
    }

    #[tokio::test]
    async fn a_file_with_a_bad_row_stores_nothing_and_names_every_bad_row() {
        let t = TestApp::bare().await;
        let report = t
            .app
            .import_points(mixed(), ImportMode::AllOrNothing, Caller::system())
            .await
            .unwrap();
        assert!(report.refused());
        assert_eq!((report.rows, report.valid, report.stored()), (5, 2, 0));
        assert!(report.imported.is_empty());
        let lines: Vec<usize> = report.bad.iter().map(|e| e.at.line).collect();
        assert_eq!(lines, [3, 4, 5]);
        assert_eq!(fields(&report.bad[0]), [Some("lat"), Some("lon")]);
        assert_eq!(fields(&report.bad[1]), [None]);
        assert_eq!(fields(&report.bad[2]), [Some("district"), Some("hours")]);
        let hours = report.bad[2].explain();
        assert!(hours.en.starts_with("line 5: district: "), "{}", hours.en);
        assert!(hours.en.contains("hours: "), "{}", hours.en);
        assert!(hours.bn.starts_with("লাইন ৫: district: "), "{}", hours.bn);
        assert!(t.app.points(true).await.unwrap().is_empty());
        assert!(report.summary().en.contains("3 of 5 row(s)"));
    }

    #[tokio::test]
    async fn skip_bad_stores_the_good_rows_in_one_go_and_reports_the_rest() {
        let t = TestApp::bare().await;
        let report = t
            .app
            .import_points(mixed(), ImportMode::SkipBad, Caller::system())
            .await
            .unwrap();
        assert!(!report.refused());
        assert_eq!(report.bad.len(), 3);
        let names: Vec<&str> = report.imported.iter().map(|p| p.name_en.as_str()).collect();
        assert_eq!(names, ["Motijheel", "Dilkusha"]);
        assert_eq!(t.app.points(false).await.unwrap(), report.imported);
        assert_eq!(
            report.summary().en,
            "Imported 2 of 5 service point(s); 3 bad row(s) skipped"
        );
        assert_eq!(
            report.summary().bn,
            "৫ সারির ২টি সেবা কেন্দ্র যোগ হয়েছে; ৩টি সারি বাদ"
        );
    }

    #[tokio::test]
    async fn a_dry_run_checks_and_stores_nothing() {
        let t = TestApp::bare().await;
        let report = t
            .app
            .check_import(mixed(), ImportMode::SkipBad, Caller::system())
            .await
            .unwrap();
        assert_eq!((report.valid, report.stored(), report.bad.len()), (2, 2, 3));
        assert!(report.imported.is_empty());
        assert!(t.app.points(true).await.unwrap().is_empty());
        assert!(report.summary().en.contains("nothing was stored"));
    }

    #[tokio::test]
    async fn an_export_imports_back_as_the_same_points() {
        let t = TestApp::bare().await;
        let file = [HEADER.to_owned(), good("Motijheel"), good("Dilkusha")].join("\r\n");
        let sheet = read(file.as_bytes(), Format::Csv).unwrap();
        let first = t
            .app
            .import_points(sheet, ImportMode::AllOrNothing, Caller::system())
            .await
            .unwrap();
        assert_eq!(first.imported.len(), 2);
        for format in Format::ALL {
            let export = t.app.export_points(*format, false).await.unwrap();
            assert_eq!(export.points, 2);
            let bytes = export.bytes;
            let sheet = read(&bytes, *format).unwrap();
            assert!(sheet.ignored.contains(&"division".to_owned()), "{format}");
            let report = t
                .app
                .check_import(sheet, ImportMode::AllOrNothing, Caller::system())
                .await
                .unwrap();
            assert_eq!((report.valid, report.bad.len()), (2, 0), "{format}");
        }
    }

    #[tokio::test]
    async fn only_those_who_manage_points_may_import() {
        let t = TestApp::bare().await;
        let agent = Caller::staff(UserId(3), Role::Agent);
        let err = t
            .app
            .check_import(mixed(), ImportMode::SkipBad, agent)
            .await
            .unwrap_err();
        assert!(matches!(err, AppError::Forbidden(_)), "{err:?}");
        let supervisor = Caller::staff(UserId(2), Role::Supervisor);
        let report = t
            .app
            .import_points(mixed(), ImportMode::SkipBad, supervisor)
            .await
            .unwrap();
        assert_eq!(report.imported.len(), 2);
    }
}
