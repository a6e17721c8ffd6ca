//! Bulk intake: a CSV of victims' claims collected elsewhere (a spreadsheet a Facebook
//! group kept, another office's list), read row by row with each row's physical line.
//!
//! The first row names the columns — [`COLUMNS`], in any order, with a few common
//! alternatives ([`column_for`]); `claimant_mobile`, `district`, `merchant`, `order_id`,
//! `order_date`, `product`, `amount_paid` and `payment_method` are required. A file that is
//! not UTF-8 (with its line and column), has a missing, unknown or repeated column, or no
//! rows is refused whole; a row that does not read is named with its line. Each row also
//! gets a [`Row::key`]: a hash of what it says, so that importing the same file again
//! adds nothing.

use sha2::{Digest, Sha256};

use seba_core::bilingual::{Bilingual, Explain};

use crate::claim::ClaimInput;

/// The columns, as written in an export.
pub const COLUMNS: [&str; 12] = [
    "claimant_mobile",
    "claimant_name",
    "district",
    "merchant",
    "order_id",
    "order_date",
    "product",
    "amount_paid",
    "payment_method",
    "gateway",
    "delivery_status",
    "amount_refunded",
];

const REQUIRED: [&str; 8] = [
    "claimant_mobile",
    "district",
    "merchant",
    "order_id",
    "order_date",
    "product",
    "amount_paid",
    "payment_method",
];

/// The column a header names, in either language.
pub fn column_for(header: &str) -> Option<&'static str> {
    let h = seba_core::text::clean(header)
        .trim()
        .to_lowercase()
        .replace([' ', '-'], "_");
    let h = h.trim_start_matches('\u{feff}');
    Some(match h {
        "claimant_mobile" | "mobile" | "phone" | "msisdn" | "মোবাইল" | "মোবাইল_নম্বর" => {
            "claimant_mobile"
        }
        "claimant_name" | "name" | "নাম" => "claimant_name",
        "district" | "জেলা" => "district",
        "merchant" | "shop" | "company" | "প্রতিষ্ঠান" | "প্রতিষ্ঠানের_নাম" => {
            "merchant"
        }
        "order_id" | "order" | "order_no" | "অর্ডার_নম্বর" => "order_id",
        "order_date" | "date" | "অর্ডারের_তারিখ" => "order_date",
        "product" | "item" | "পণ্য" => "product",
        "amount_paid" | "amount" | "paid" | "টাকা" | "পরিশোধিত_টাকা" => {
            "amount_paid"
        }
        "payment_method" | "method" | "payment" | "পরিশোধের_মাধ্যম" => {
            "payment_method"
        }
        "gateway" | "payment_gateway" | "গেটওয়ে" => "gateway",
        "delivery_status" | "delivery" | "ডেলিভারি" => "delivery_status",
        "amount_refunded" | "refunded" | "ফেরত" | "ফেরত_টাকা" => {
            "amount_refunded"
        }
        _ => return None,
    })
}

/// Why a whole file is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FileError {
    #[error("the file is empty")]
    Empty,
    #[error("the file is not UTF-8 (line {line}, column {column})")]
    BadUtf8 { line: usize, column: usize },
    #[error("the file is UTF-16; save it as UTF-8")]
    Utf16,
    #[error("missing columns: {0:?}")]
    Missing(Vec<&'static str>),
    #[error("unknown column {0:?}")]
    Unknown(String),
    #[error("column {0} appears twice")]
    Repeated(&'static str),
    #[error("line {line}: {message}")]
    Csv { line: usize, message: String },
}

impl Explain for FileError {
    fn explain(&self) -> Bilingual {
        match self {
            FileError::Empty => Bilingual::new("ফাইলটি খালি", "The file is empty"),
            FileError::BadUtf8 { line, column } => Bilingual::new(
                format!(
                    "ফাইলটি UTF-8 নয় (লাইন {}, ঘর {}); UTF-8 হিসেবে সংরক্ষণ করুন",
                    seba_core::text::bengali_digits(&line.to_string()),
                    seba_core::text::bengali_digits(&column.to_string())
                ),
                format!("The file is not UTF-8 (line {line}, column {column}); save it as UTF-8"),
            ),
            FileError::Utf16 => Bilingual::new(
                "ফাইলটি UTF-16; UTF-8 হিসেবে সংরক্ষণ করুন",
                "The file is UTF-16; save it as UTF-8",
            ),
            FileError::Missing(cols) => Bilingual::new(
                format!("এই কলামগুলো নেই: {}", cols.join(", ")),
                format!("These columns are missing: {}", cols.join(", ")),
            ),
            FileError::Unknown(c) => {
                Bilingual::new(format!("অজানা কলাম: {c}"), format!("Unknown column: {c}"))
            }
            FileError::Repeated(c) => Bilingual::new(
                format!("কলাম {c} দুইবার আছে"),
                format!("Column {c} appears twice"),
            ),
            FileError::Csv { line, message } => Bilingual::new(
                format!(
                    "লাইন {}: CSV পড়া যায়নি ({message})",
                    seba_core::text::bengali_digits(&line.to_string())
                ),
                format!("Line {line}: not readable as CSV ({message})"),
            ),
        }
    }
}

/// One data row: its line in the file, the claim it gives, and its content key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    pub line: usize,
    pub input: ClaimInput,
    /// A hash of the row's cells as given: the same row in the same or another file has
    /// the same key.
    pub key: String,
}

/// A row that could not be read as a row (the wrong number of cells).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadRow {
    pub line: usize,
    pub message: Bilingual,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Sheet {
    pub rows: Vec<Row>,
    pub bad: Vec<BadRow>,
}

const BOM: &[u8] = b"\xEF\xBB\xBF";

fn text_of(bytes: &[u8]) -> Result<&str, FileError> {
    if bytes.starts_with(b"\xFF\xFE") || bytes.starts_with(b"\xFE\xFF") {
        return Err(FileError::Utf16);
    }
    let bytes = bytes.strip_prefix(BOM).unwrap_or(bytes);
    let text = std::str::from_utf8(bytes).map_err(|e| {
        let before = &bytes[..e.valid_up_to()];
        let start = before
            .iter()
            .rposition(|b| *b == b'\n')
            .map_or(0, |i| i + 1);
        FileError::BadUtf8 {
            line: 1 + before.iter().filter(|b| **b == b'\n').count(),
            column: 1 + before.len() - start,
        }
    })?;
    if text.trim().is_empty() {
        return Err(FileError::Empty);
    }
    Ok(text)
}

/// The physical line a byte offset is on.
fn line_at(text: &str, byte: usize) -> usize {
    1 + text.as_bytes()[..byte.min(text.len())]
        .iter()
        .filter(|b| **b == b'\n')
        .count()
}

/// A spreadsheet's guard against formulas (`'=…`), taken off again.
fn unguard(cell: &str) -> &str {
    match cell.strip_prefix('\'') {
        Some(rest) if rest.starts_with(['=', '+', '-', '@']) => rest,
        _ => cell,
    }
}

/// Read a whole file.
pub fn read(bytes: &[u8]) -> Result<Sheet, FileError> {
    let text = text_of(bytes)?;
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut records = reader.records();
    let csv_error = |e: csv::Error| FileError::Csv {
        line: e
            .position()
            .map_or(0, |p| usize::try_from(p.line()).unwrap_or(usize::MAX)),
        message: e.to_string(),
    };
    let header = match records.next() {
        Some(r) => r.map_err(csv_error)?,
        None => return Err(FileError::Empty),
    };
    let mut columns: Vec<&'static str> = Vec::new();
    for h in header.iter() {
        let c =
            column_for(h).ok_or_else(|| FileError::Unknown(h.trim().chars().take(60).collect()))?;
        if columns.contains(&c) {
            return Err(FileError::Repeated(c));
        }
        columns.push(c);
    }
    let missing: Vec<&'static str> = REQUIRED
        .iter()
        .copied()
        .filter(|r| !columns.contains(r))
        .collect();
    if !missing.is_empty() {
        return Err(FileError::Missing(missing));
    }
    let mut sheet = Sheet::default();
    // Lines are counted incrementally: each record starts after the last.
    let (mut counted_to, mut line) = (0usize, 1usize);
    for record in records {
        let record = record.map_err(csv_error)?;
        let mut byte = record.position().map_or(0, |p| p.byte() as usize);
        // A record's position can be that of blank lines the reader skipped before it.
        while matches!(text.as_bytes().get(byte), Some(b'\n' | b'\r')) {
            byte += 1;
        }
        line += line_at(
            &text[counted_to.min(text.len())..],
            byte.saturating_sub(counted_to),
        ) - 1;
        counted_to = byte;
        if record.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        if record.len() != columns.len() {
            sheet.bad.push(BadRow {
                line,
                message: Bilingual::new(
                    format!(
                        "{}টি ঘর থাকার কথা, আছে {}টি",
                        seba_core::text::bengali_digits(&columns.len().to_string()),
                        seba_core::text::bengali_digits(&record.len().to_string())
                    ),
                    format!("{} cells expected, {} found", columns.len(), record.len()),
                ),
            });
            continue;
        }
        let mut input = ClaimInput::default();
        let mut hash = Sha256::new();
        for (column, cell) in columns.iter().zip(record.iter()) {
            let cell = unguard(cell);
            let slot = match *column {
                "claimant_mobile" => &mut input.claimant_msisdn,
                "claimant_name" => &mut input.claimant_name,
                "district" => &mut input.district,
                "merchant" => &mut input.merchant,
                "order_id" => &mut input.order_id,
                "order_date" => &mut input.order_date,
                "product" => &mut input.product,
                "amount_paid" => &mut input.amount_paid,
                "payment_method" => &mut input.payment_method,
                "gateway" => &mut input.gateway,
                "delivery_status" => &mut input.delivery,
                _ => &mut input.amount_refunded,
            };
            *slot = cell.to_string();
        }
        for (i, value) in [
            &input.claimant_msisdn,
            &input.claimant_name,
            &input.district,
            &input.merchant,
            &input.order_id,
            &input.order_date,
            &input.product,
            &input.amount_paid,
            &input.payment_method,
            &input.gateway,
            &input.delivery,
            &input.amount_refunded,
        ]
        .iter()
        .enumerate()
        {
            hash.update((i as u32).to_be_bytes());
            let v = seba_core::text::clean(value);
            hash.update((v.len() as u64).to_be_bytes());
            hash.update(v.trim().as_bytes());
        }
        sheet.rows.push(Row {
            line,
            input,
            key: hex::encode(hash.finalize()),
        });
    }
    if sheet.rows.is_empty() && sheet.bad.is_empty() {
        return Err(FileError::Empty);
    }
    Ok(sheet)
}

#[cfg(test)]
mod tests {
    use super::*;

    const FILE: &str = "claimant_mobile,claimant_name,district,merchant,order_id,order_date,product,amount_paid,payment_method,gateway,delivery_status,amount_refunded\n\
01712345678,Rahim,Dhaka,Evaly,EV-1,15/07/2021,Motorcycle,\"1,25,000\",bKash,,not delivered,0\n\
\n\
01812345678,\"Karim\nUddin\",Gazipur,ইভ্যালি,EV-2,2021-07-20,Fridge,45000,card,SSLCommerz,,\n\
01912345678,Short,Row\n";

    #[test]
    fn rows_are_read_with_their_lines() {
        let sheet = read(FILE.as_bytes()).unwrap();
        assert_eq!(sheet.rows.len(), 2);
        assert_eq!(sheet.rows[0].line, 2);
        assert_eq!(sheet.rows[0].input.amount_paid, "1,25,000");
        // The blank line is skipped; the quoted name spans two lines.
        assert_eq!(sheet.rows[1].line, 4);
        assert_eq!(sheet.rows[1].input.claimant_name, "Karim\nUddin");
        assert_eq!(sheet.bad.len(), 1);
        assert_eq!(sheet.bad[0].line, 6);
        assert!(
            sheet.bad[0]
                .message
                .en
                .contains("12 cells expected, 3 found")
        );
    }

    #[test]
    fn the_same_row_has_the_same_key() {
        let a = read(FILE.as_bytes()).unwrap();
        let b = read(FILE.as_bytes()).unwrap();
        assert_eq!(a.rows[0].key, b.rows[0].key);
        assert_ne!(a.rows[0].key, a.rows[1].key);
    }

    #[test]
    fn whole_file_problems_are_named() {
        assert_eq!(read(b""), Err(FileError::Empty));
        assert_eq!(read(b"\xFF\xFEa"), Err(FileError::Utf16));
        assert_eq!(
            read(b"merchant,order_id\nab\xffc,1\n"),
            Err(FileError::BadUtf8 { line: 2, column: 3 })
        );
        assert!(
            matches!(read(b"merchant,order_id\nEvaly,1\n"), Err(FileError::Missing(m)) if m.contains(&"claimant_mobile"))
        );
        assert_eq!(
            read(b"merchant,colour\n"),
            Err(FileError::Unknown("colour".into()))
        );
        assert_eq!(
            read(b"merchant,shop\n"),
            Err(FileError::Repeated("merchant"))
        );
        let bengali = "মোবাইল,জেলা,প্রতিষ্ঠান,অর্ডার নম্বর,অর্ডারের তারিখ,পণ্য,টাকা,পরিশোধের মাধ্যম\n01712345678,ঢাকা,ইভ্যালি,EV-9,01/08/2021,ফোন,20000,বিকাশ\n";
        let sheet = read(bengali.as_bytes()).unwrap();
        assert_eq!(sheet.rows[0].input.merchant, "ইভ্যালি");
    }
}
