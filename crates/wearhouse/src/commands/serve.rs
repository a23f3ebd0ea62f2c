//! `wearhouse serve`: migrate, then serve HTTP until SIGTERM or Ctrl-C.

use crate::bootstrap::Application;
use crate::config::{mask_url_password, Config};
use crate::roles::Roles;

pub async fn run(config: Config, roles: Roles) -> anyhow::Result<()> {
    let app = Application::build_with_roles(&config, roles).await?;
    let base = format!("http://{}", app.addr);
    let docs = format!("{base}/docs");
    tracing::info!(address = %app.addr, %docs, roles = %roles, database = %mask_url_password(&config.database_url()), "Wearhouse started");
    // The banner is for people; with JSON logs standard output stays pure JSON lines.
    if config.log.format == "text" {
        println!("Wearhouse is listening on {base}");
        println!("API docs: {docs} (Swagger UI), {base}/redoc, OpenAPI at {base}/api/v1/openapi.json");
    }
    app.run(shutdown_signal()).await?;
    tracing::info!("Wearhouse stopped");
    Ok(())
}

/// Completes on SIGTERM or Ctrl-C. Requests in flight then finish before the server exits.
async fn shutdown_signal() {
    let ctrl_c = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = terminate => {},
    }
    tracing::info!("shutting down: finishing requests in flight");
}
