//! `wearhouse user create`: accounts from the command line, typically the first administrator.

use std::io::BufRead;

use wearhouse_model::Roles;
use wearhouse_services::ServiceError;

use crate::bootstrap::{account_service, open_store};
use crate::cli::UserCreateArgs;
use crate::config::Config;

pub async fn create(config: &Config, args: UserCreateArgs) -> anyhow::Result<()> {
    let password = if args.password_stdin {
        let mut line = String::new();
        std::io::stdin().lock().read_line(&mut line)?;
        line.trim_end_matches(['\r', '\n']).to_owned()
    } else {
        let first = rpassword::prompt_password("Password: ")?;
        let again = rpassword::prompt_password("Repeat password: ")?;
        anyhow::ensure!(first == again, "the passwords do not match");
        first
    };
    let store = open_store(config).await?;
    let accounts = account_service(config, store.clone()).await?;
    let roles = if args.admin { Roles::admin() } else { Roles::user() };
    let result = accounts
        .register(
            &args.username,
            &args.email,
            &password,
            args.time_zone.as_deref(),
            roles,
        )
        .await;
    store.close().await;
    let user =
        result.map_err(|e| anyhow::anyhow!("cannot create user '{}': {}", args.username, describe(&e)))?;
    let roles = user.roles.to_csv();
    let zone = if user.time_zone_set {
        format!("time zone {}", user.time_zone.as_str())
    } else {
        "no time zone yet (days are UTC until one is set)".to_owned()
    };
    println!(
        "created user {} ({}) with roles {roles}, {zone}",
        user.username, user.id
    );
    Ok(())
}

/// One line saying what was wrong, field by field.
fn describe(err: &ServiceError) -> String {
    match err {
        ServiceError::Invalid(fields) => fields
            .iter()
            .map(|f| format!("{}: {}", f.field, f.detail))
            .collect::<Vec<_>>()
            .join("; "),
        other => other.to_string(),
    }
}
