//! Schema migrations for both engines, embedded in the binary.
//!
//! Each migration exists once per engine with the same number; the engines record what they
//! applied in `schema_migrations`. A migration is applied in a transaction with its record,
//! so a crash mid-way leaves the schema as it was.

pub struct Migration {
    pub version: i64,
    pub name: &'static str,
    pub sqlite: &'static str,
    pub postgres: &'static str,
}

pub const MIGRATIONS: &[Migration] = &[
    Migration {
        version: 1,
        name: "init",
        sqlite: include_str!("../migrations/sqlite/0001_init.sql"),
        postgres: include_str!("../migrations/postgres/0001_init.sql"),
    },
    Migration {
        version: 2,
        name: "feedback_help_presence_reports",
        sqlite: include_str!("../migrations/sqlite/0002_feedback_help_presence_reports.sql"),
        postgres: include_str!("../migrations/postgres/0002_feedback_help_presence_reports.sql"),
    },
    Migration {
        version: 3,
        name: "deadline_order",
        sqlite: include_str!("../migrations/sqlite/0003_deadline_order.sql"),
        postgres: include_str!("../migrations/postgres/0003_deadline_order.sql"),
    },
    Migration {
        version: 4,
        name: "service_points",
        sqlite: include_str!("../migrations/sqlite/0004_service_points.sql"),
        postgres: include_str!("../migrations/postgres/0004_service_points.sql"),
    },
    Migration {
        version: 5,
        name: "wallet",
        sqlite: include_str!("../migrations/sqlite/0005_wallet.sql"),
        postgres: include_str!("../migrations/postgres/0005_wallet.sql"),
    },
    Migration {
        version: 6,
        name: "ussd",
        sqlite: include_str!("../migrations/sqlite/0006_ussd.sql"),
        postgres: include_str!("../migrations/postgres/0006_ussd.sql"),
    },
    Migration {
        version: 7,
        name: "ussd_resume",
        sqlite: include_str!("../migrations/sqlite/0007_ussd_resume.sql"),
        postgres: include_str!("../migrations/postgres/0007_ussd_resume.sql"),
    },
    Migration {
        version: 8,
        name: "claims",
        sqlite: include_str!("../migrations/sqlite/0008_claims.sql"),
        postgres: include_str!("../migrations/postgres/0008_claims.sql"),
    },
    Migration {
        version: 9,
        name: "merchant_users",
        sqlite: include_str!("../migrations/sqlite/0009_merchant_users.sql"),
        postgres: include_str!("../migrations/postgres/0009_merchant_users.sql"),
    },
    Migration {
        version: 10,
        name: "drop_claims_claimant",
        sqlite: include_str!("../migrations/sqlite/0010_drop_claims_claimant.sql"),
        postgres: include_str!("../migrations/postgres/0010_drop_claims_claimant.sql"),
    },
    Migration {
        version: 11,
        name: "claim_keys_by_merchant",
        sqlite: include_str!("../migrations/sqlite/0011_claim_keys_by_merchant.sql"),
        postgres: include_str!("../migrations/postgres/0011_claim_keys_by_merchant.sql"),
    },
    Migration {
        version: 12,
        name: "merchant_deadline_counts",
        sqlite: include_str!("../migrations/sqlite/0012_merchant_deadline_counts.sql"),
        postgres: include_str!("../migrations/postgres/0012_merchant_deadline_counts.sql"),
    },
    Migration {
        version: 13,
        name: "drop_cases_sla_due",
        sqlite: include_str!("../migrations/sqlite/0013_drop_cases_sla_due.sql"),
        postgres: include_str!("../migrations/postgres/0013_drop_cases_sla_due.sql"),
    },
];
