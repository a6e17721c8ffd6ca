//! Staff roles and what each may do.
//!
//! The HTTP layer asks [`Role::can`] on every route; keeping the table here makes the whole
//! policy readable on one screen and testable without a server.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::case::UnknownCode;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Agent,
    Supervisor,
    Admin,
    Auditor,
    /// A merchant's staff on the complaint cell's merchant portal: none of the desk's
    /// permissions; they see and answer only their own merchant's claims.
    Merchant,
}

/// Things a route may require.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Permission {
    /// See cases, threads and customers.
    ReadCases,
    /// Create cases, reply, note, move through the lifecycle, take or hand over cases.
    WorkCases,
    /// Assign to others, merge, change SLA policies and holidays, see every queue.
    Supervise,
    /// Manage staff, tokens, queues and categories.
    Administer,
    /// Read the audit trail and verify it.
    ReadAudit,
}

impl Role {
    pub const ALL: &'static [Role] = &[
        Role::Agent,
        Role::Supervisor,
        Role::Admin,
        Role::Auditor,
        Role::Merchant,
    ];
    /// The roles of the organisation's own staff (the staff form offers these; merchant
    /// users are added with the merchant they work for).
    pub const STAFF: &'static [Role] = &[Role::Agent, Role::Supervisor, Role::Admin, Role::Auditor];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Agent => "agent",
            Role::Supervisor => "supervisor",
            Role::Admin => "admin",
            Role::Auditor => "auditor",
            Role::Merchant => "merchant",
        }
    }

    pub fn can(self, p: Permission) -> bool {
        use Permission::*;
        match self {
            Role::Agent => matches!(p, ReadCases | WorkCases),
            Role::Supervisor => matches!(p, ReadCases | WorkCases | Supervise | ReadAudit),
            Role::Admin => true,
            // Auditors read everything and change nothing.
            Role::Auditor => matches!(p, ReadCases | ReadAudit),
            Role::Merchant => false,
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Role {
    type Err = UnknownCode;
    fn from_str(s: &str) -> Result<Self, UnknownCode> {
        Role::ALL
            .iter()
            .copied()
            .find(|r| r.as_str() == s)
            .ok_or(UnknownCode {
                kind: "role",
                code: s.chars().take(40).collect(),
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn auditors_change_nothing_and_agents_do_not_administer() {
        assert!(!Role::Auditor.can(Permission::WorkCases));
        assert!(Role::Auditor.can(Permission::ReadAudit));
        assert!(!Role::Agent.can(Permission::Supervise));
        assert!(!Role::Agent.can(Permission::Administer));
        assert!(!Role::Supervisor.can(Permission::Administer));
        assert!(Role::Admin.can(Permission::Administer));
    }
}
