//! Process roles: what one `wearhouse serve` process does. The embedded default runs all four; on
//! PostgreSQL they can run apart (`--role api`, `--role worker`, `--role scheduler`, `--role notifier`,
//! repeatable), as many processes of each as the load needs. The authentication, tracking and
//! notification services of a microservice design are not separate programs here: they are roles of
//! one binary (the API for their HTTP side, the worker for their background jobs, the notifier for
//! reacting to events).

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
    /// Receives every event (with RabbitMQ, from its own durable queue, so none is missed while it is
    /// down): the notification service. What it sends comes with the notifications themselves.
    Notifier,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Roles {
    pub api: bool,
    pub worker: bool,
    pub scheduler: bool,
    pub notifier: bool,
}

impl Roles {
    pub const ALL: Roles = Roles {
        api: true,
        worker: true,
        scheduler: true,
        notifier: true,
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
            notifier: roles.contains(&Role::Notifier),
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
            (self.notifier, "notifier"),
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
        assert!(Roles::of(&[Role::Api, Role::Worker, Role::Scheduler, Role::Notifier]).is_all());
        assert!(!Roles::of(&[Role::Api, Role::Worker, Role::Scheduler]).is_all());
        assert_eq!(Roles::ALL.to_string(), "api,worker,scheduler,notifier");
    }
}
