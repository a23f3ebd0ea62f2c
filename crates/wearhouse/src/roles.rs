//! Process roles: what one `wearhouse serve` process does. The embedded default runs all three; on
//! PostgreSQL they can run apart (`--role api`, `--role worker`, `--role scheduler`, repeatable), as many
//! processes of each as the load needs. The authentication, tracking and notification services of a
//! microservice design are not separate programs here: they are the API role of one binary, and their
//! background work runs as jobs on the worker role.

use std::fmt;

use clap::ValueEnum;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Role {
    /// The HTTP API and the dashboard.
    Api,
    /// Runs background jobs (imports, rollup recomputes, purges).
    Worker,
    /// Enqueues recurring jobs at their times.
    Scheduler,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Roles {
    pub api: bool,
    pub worker: bool,
    pub scheduler: bool,
}

impl Roles {
    pub const ALL: Roles = Roles {
        api: true,
        worker: true,
        scheduler: true,
    };

    /// The roles named; all of them when none is.
    pub fn of(roles: &[Role]) -> Roles {
        if roles.is_empty() {
            return Roles::ALL;
        }
        Roles {
            api: roles.contains(&Role::Api),
            worker: roles.contains(&Role::Worker),
            scheduler: roles.contains(&Role::Scheduler),
        }
    }

    pub fn is_all(self) -> bool {
        self == Roles::ALL
    }
}

impl fmt::Display for Roles {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names: Vec<&str> = [
            (self.api, "api"),
            (self.worker, "worker"),
            (self.scheduler, "scheduler"),
        ]
        .into_iter()
        .filter_map(|(on, name)| on.then_some(name))
        .collect();
        f.write_str(&names.join(","))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_role_named_means_every_role() {
        assert!(Roles::of(&[]).is_all());
        let split = Roles::of(&[Role::Worker, Role::Scheduler]);
        assert!(!split.is_all() && !split.api && split.worker && split.scheduler);
        assert_eq!(split.to_string(), "worker,scheduler");
        assert!(Roles::of(&[Role::Api, Role::Worker, Role::Scheduler]).is_all());
    }
}
