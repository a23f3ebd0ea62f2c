//! Roles a user can hold. Authorization decisions that depend on them live in the services, in one place.

use std::collections::BTreeSet;
use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::InvalidInput;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    User,
    Trainer,
    Clinician,
    Researcher,
    Admin,
}

impl Role {
    pub const ALL: [Role; 5] = [
        Role::User,
        Role::Trainer,
        Role::Clinician,
        Role::Researcher,
        Role::Admin,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::User => "user",
            Role::Trainer => "trainer",
            Role::Clinician => "clinician",
            Role::Researcher => "researcher",
            Role::Admin => "admin",
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Role {
    type Err = InvalidInput;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Role::ALL
            .into_iter()
            .find(|r| r.as_str() == s)
            .ok_or_else(|| InvalidInput::new("invalid_role", format!("unknown role '{s}'")))
    }
}

/// The set of roles a user holds. Always contains [`Role::User`]: every account is a user first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(from = "Vec<Role>", into = "Vec<Role>")]
pub struct Roles(BTreeSet<Role>);

impl Roles {
    pub fn user() -> Self {
        Self(BTreeSet::from([Role::User]))
    }

    pub fn admin() -> Self {
        Self(BTreeSet::from([Role::User, Role::Admin]))
    }

    pub fn contains(&self, role: Role) -> bool {
        self.0.contains(&role)
    }

    pub fn is_admin(&self) -> bool {
        self.contains(Role::Admin)
    }

    pub fn iter(&self) -> impl Iterator<Item = Role> + '_ {
        self.0.iter().copied()
    }

    /// Comma-separated, as stored in the database.
    pub fn to_csv(&self) -> String {
        self.iter().map(Role::as_str).collect::<Vec<_>>().join(",")
    }

    pub fn from_csv(csv: &str) -> Result<Self, InvalidInput> {
        csv.split(',')
            .filter(|s| !s.is_empty())
            .map(Role::from_str)
            .collect::<Result<Vec<_>, _>>()
            .map(Self::from)
    }
}

impl From<Vec<Role>> for Roles {
    fn from(roles: Vec<Role>) -> Self {
        let mut set: BTreeSet<Role> = roles.into_iter().collect();
        set.insert(Role::User);
        Self(set)
    }
}

impl From<Roles> for Vec<Role> {
    fn from(roles: Roles) -> Self {
        roles.0.into_iter().collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_always_include_user_and_round_trip_through_csv() {
        let roles = Roles::from(vec![Role::Admin, Role::Trainer]);
        assert!(roles.contains(Role::User));
        assert_eq!(roles.to_csv(), "user,trainer,admin");
        assert_eq!(Roles::from_csv(&roles.to_csv()).unwrap(), roles);
        assert_eq!(Roles::from_csv("user,wizard").unwrap_err().code, "invalid_role");
    }
}
