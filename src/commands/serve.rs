//! `serve`: the API, optionally over the seeded demo ward.

use sea_orm::DatabaseConnection;

use crate::{
    auth::password::Passwords,
    config::{Environment, Settings},
    demo,
    startup::Application,
};

/// Serves the API; with `demo`, first seeds the demo ward, its users and a campaign in progress.
pub async fn serve(settings: Settings, db: DatabaseConnection, demo: bool) -> Result<(), String> {
    if demo {
        if settings.environment == Environment::Production {
            return Err("--demo is refused when PLEDGE_ENV=production".into());
        }
        let seeded =
            demo::seed(&db).await.map_err(|e| format!("cannot seed the demo data: {}", e.message()))?;
        let password = std::env::var("PLEDGE_DEMO_PASSWORD")
            .ok()
            .filter(|p| !p.is_empty())
            .unwrap_or_else(|| demo::DEFAULT_DEMO_PASSWORD.to_owned());
        demo::seed_users(&db, &Passwords::new(), &password)
            .await
            .map_err(|e| format!("cannot create the demo users: {}", e.message()))?;
        demo::seed_activity(&db)
            .await
            .map_err(|e| format!("cannot seed the demo campaign: {}", e.message()))?;
        let incidents = demo::seed_incidents(&db)
            .await
            .map_err(|e| format!("cannot seed the demo incident figures: {}", e.message()))?;
        let movement_year = demo::seed_movement_year(&db)
            .await
            .map_err(|e| format!("cannot seed the demo movement year: {}", e.message()))?;
        if seeded {
            println!("demo data seeded: Phường Lam Sơn (Thanh Hóa), Tổ dân phố 1 to 12");
            println!("demo campaign open: {}", demo::DEMO_CAMPAIGN_TITLE);
        }
        if incidents {
            println!("demo incident figures: January to July of 2022 and 2023, entered by the ward police");
        }
        if movement_year {
            println!(
                "demo movement year 2023: five self-management models, the festival of 11 August at Tổ dân phố 11, \
                 a closed survey of {} ballots, five awards, every group assessed",
                demo::DEMO_BALLOTS
            );
        }
        println!("demo users (password: PLEDGE_DEMO_PASSWORD, default {}):", demo::DEFAULT_DEMO_PASSWORD);
        for user in &demo::DEMO_USERS {
            println!("  {:<16} {}", user.username, user.role);
        }
    }
    if settings.jwt_secret_generated {
        tracing::warn!(
            "PLEDGE_JWT_SECRET is not set: using a random secret, so sessions end when the service restarts"
        );
    }
    let app = Application::build(&settings, db)
        .await
        .map_err(|e| format!("cannot listen on {} (PLEDGE_BIND): {e}", settings.bind))?;
    let addr = app.local_addr().map_err(|e| e.to_string())?;
    if settings.environment == Environment::Development {
        println!(
            "pledge-api is ready: open http://{addr}/ in a browser (the officials' coverage board; \
             GraphiQL for developers at http://{addr}/graphql)"
        );
        if demo {
            println!(
                "on the board, sign in as lamson.official; group leaders use http://{addr}/to-dan-pho (tdp11.leader)"
            );
            println!(
                "in GraphiQL, sign in with: mutation {{ login(input: {{username: \"admin\", password: \"{}\"}}) {{ accessToken }} }}",
                demo::DEFAULT_DEMO_PASSWORD
            );
            println!(
                "then add the header {{\"Authorization\": \"Bearer <accessToken>\"}} under Headers; see README.md"
            );
        }
    } else {
        println!("pledge-api is listening on http://{addr}/ (the board; GraphQL at /graphql)");
    }
    app.run_until_stopped().await.map_err(|e| e.to_string())
}
