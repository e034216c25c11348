//! Login cost, and whether a storm of logins stalls other requests (argon2 runs off the async workers).
//!
//! `cargo run --release --example bench_auth` (SQLite in a temporary file; set `BENCH_DATABASE_URL` to a
//! PostgreSQL database to use that instead). Prints medians; the machine is noisy, so compare ratios.

use std::{
    sync::{
        Arc,
        atomic::{AtomicBool, AtomicU64, Ordering},
    },
    time::{Duration, Instant},
};

use pledge_api::{
    auth::Role,
    config::Settings,
    service::user::{NewAssignment, NewUser},
    startup::{self, Application},
};
use serde_json::{Value, json};

const PASSWORD: &str = "bench-password-123";
const STORM_CLIENTS: usize = 50;

fn percentile(samples: &mut [Duration], p: f64) -> Duration {
    samples.sort_unstable();
    samples[((samples.len() - 1) as f64 * p).round() as usize]
}

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1000.0)
}

async fn post(client: &reqwest::Client, url: &str, token: Option<&str>, body: Value) -> Value {
    let mut request = client.post(url).json(&body);
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    request.send().await.expect("request").json().await.expect("json")
}

async fn login(client: &reqwest::Client, url: &str) -> String {
    let body = json!({ "query": format!(
        "mutation {{ login(input: {{username: \"bench\", password: \"{PASSWORD}\"}}) {{ accessToken }} }}"
    ) });
    let answer = post(client, url, None, body).await;
    answer["data"]["login"]["accessToken"]
        .as_str()
        .unwrap_or_else(|| panic!("login failed: {answer}"))
        .to_owned()
}

async fn small_queries(client: &reqwest::Client, url: &str, token: &str, count: usize) -> Vec<Duration> {
    let mut samples = Vec::with_capacity(count);
    for _ in 0..count {
        let start = Instant::now();
        let answer = post(client, url, Some(token), json!({ "query": "{ me { username } }" })).await;
        assert_eq!(answer["data"]["me"]["username"], "bench");
        samples.push(start.elapsed());
    }
    samples
}

#[tokio::main]
async fn main() {
    let dir = std::env::temp_dir().join(format!("pledge-bench-{}", std::process::id()));
    let url = std::env::var("BENCH_DATABASE_URL")
        .unwrap_or_else(|_| format!("sqlite://{}/bench.db?mode=rwc", dir.display()));
    let mut settings = Settings::from_lookup(|_| None).expect("default settings");
    settings.bind = "127.0.0.1:0".parse().expect("address");
    let db = startup::connect(&url, 10).await.expect("connect");
    startup::migrate(&db).await.expect("migrate");
    let user = NewUser {
        username: "bench".into(),
        display_name: "Bench".into(),
        password: PASSWORD.into(),
        assignments: vec![NewAssignment { role: Role::Admin, ward_id: None, group_id: None }],
    };
    let app = Application::build(&settings, db).await.expect("bind");
    if let Err(err) = app.services().system().users().create(user).await {
        println!("(bench user already present: {})", err.message());
    }
    let graphql = format!("http://{}/graphql", app.local_addr().expect("address"));
    tokio::spawn(app.run_until(std::future::pending()));
    let client = reqwest::Client::new();

    let mut logins = Vec::new();
    for _ in 0..30 {
        let start = Instant::now();
        login(&client, &graphql).await;
        logins.push(start.elapsed());
    }
    println!("login (argon2id m=19 MiB, t=2, p=1), 30 sequential: p50 {}", ms(percentile(&mut logins, 0.5)));

    let token = login(&client, &graphql).await;
    small_queries(&client, &graphql, &token, 50).await;
    let mut alone = small_queries(&client, &graphql, &token, 300).await;
    let alone_p50 = percentile(&mut alone, 0.5);
    println!(
        "`{{ me {{ username }} }}` alone, 300 sequential: p50 {}, p99 {}",
        ms(alone_p50),
        ms(percentile(&mut alone, 0.99))
    );

    let stop = Arc::new(AtomicBool::new(false));
    let done = Arc::new(AtomicU64::new(0));
    let storm: Vec<_> = (0..STORM_CLIENTS)
        .map(|_| {
            let (client, url, stop, done) = (client.clone(), graphql.clone(), stop.clone(), done.clone());
            tokio::spawn(async move {
                while !stop.load(Ordering::Relaxed) {
                    login(&client, &url).await;
                    done.fetch_add(1, Ordering::Relaxed);
                }
            })
        })
        .collect();
    tokio::time::sleep(Duration::from_millis(500)).await;
    let storm_start = Instant::now();
    let logins_before = done.load(Ordering::Relaxed);
    let mut during = small_queries(&client, &graphql, &token, 300).await;
    let storm_seconds = storm_start.elapsed().as_secs_f64();
    let logins_during = done.load(Ordering::Relaxed) - logins_before;
    stop.store(true, Ordering::Relaxed);
    for task in storm {
        task.await.expect("storm task");
    }
    let during_p50 = percentile(&mut during, 0.5);
    println!(
        "`{{ me {{ username }} }}` during {STORM_CLIENTS} concurrent logins: p50 {}, p99 {} ({:.1}x alone); {:.0} logins/s meanwhile",
        ms(during_p50),
        ms(percentile(&mut during, 0.99)),
        during_p50.as_secs_f64() / alone_p50.as_secs_f64(),
        logins_during as f64 / storm_seconds,
    );
    std::fs::remove_dir_all(&dir).ok();
}
