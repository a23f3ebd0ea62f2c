//! `wearhouse summaries rebuild`: recompute daily rollups from raw samples, after a bug fix, a change of
//! source priorities, or to check that incremental maintenance agrees with a full recomputation.

use anyhow::Context;
use wearhouse_services::rollups::Rollups;
use wearhouse_services::SummaryService;

use crate::bootstrap::open_store;
use crate::config::Config;

pub async fn rebuild(config: &Config, user: Option<&str>) -> anyhow::Result<()> {
    let store = open_store(config).await?;
    let summaries = SummaryService::new(store.clone(), Rollups::new(store.clone()));
    let mut users = Vec::new();
    match user {
        Some(login) => {
            let found = store
                .accounts
                .user_by_login(login)
                .await?
                .with_context(|| format!("no user '{login}'"))?;
            users.push(found);
        }
        None => {
            let mut after = None;
            loop {
                let page = store.accounts.list_users(after.as_ref(), 500).await?;
                let Some(last) = page.last() else { break };
                after = Some(last.id.clone());
                users.extend(page);
            }
        }
    }
    for user in &users {
        summaries
            .rebuild(&user.id)
            .await
            .with_context(|| format!("rebuilding summaries of {}", user.username))?;
    }
    store.close().await;
    println!("rebuilt daily summaries of {} user(s)", users.len());
    Ok(())
}
