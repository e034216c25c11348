//! `recordPledge` throughput: N concurrent clients each sign distinct unsigned households of the
//! benchmark campaign, every request with its own clientMutationId (so each is a real write with its
//! audit row, change-log row and counter update, committed durably).
//!
//! `BENCH_URL=http://127.0.0.1:8090/graphql BENCH_TOKEN=… BENCH_CAMPAIGN=… BENCH_HOUSEHOLDS=ids.txt \
//!  cargo run --release --example bench_pledges -- 32 10` (clients, seconds). Run by bench/run.sh.

use std::{
    sync::{
        Arc,
        atomic::{AtomicUsize, Ordering},
    },
    time::{Duration, Instant},
};

use serde_json::json;

fn percentile(samples: &mut [Duration], p: f64) -> Duration {
    samples.sort_unstable();
    samples.get(((samples.len().max(1) - 1) as f64 * p).round() as usize).copied().unwrap_or_default()
}

#[tokio::main]
async fn main() {
    let env = |name: &str| std::env::var(name).unwrap_or_else(|_| panic!("set {name}"));
    let url = env("BENCH_URL");
    let token = env("BENCH_TOKEN");
    let campaign = env("BENCH_CAMPAIGN");
    let households: Vec<String> = std::fs::read_to_string(env("BENCH_HOUSEHOLDS"))
        .expect("household id file")
        .lines()
        .map(str::to_owned)
        .collect();
    let mut args = std::env::args().skip(1);
    let clients: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(32);
    let seconds: u64 = args.next().and_then(|a| a.parse().ok()).unwrap_or(10);

    let households = Arc::new(households);
    let next = Arc::new(AtomicUsize::new(0));
    let client = reqwest::Client::builder().pool_max_idle_per_host(clients).build().expect("client");
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let started = Instant::now();
    let tasks: Vec<_> = (0..clients)
        .map(|_| {
            let (client, url, token, campaign) =
                (client.clone(), url.clone(), token.clone(), campaign.clone());
            let (households, next) = (households.clone(), next.clone());
            tokio::spawn(async move {
                let mut latencies = Vec::new();
                let mut failures = 0usize;
                while Instant::now() < deadline {
                    let index = next.fetch_add(1, Ordering::Relaxed);
                    let Some(household) = households.get(index) else { break };
                    let body = json!({
                        "query": "mutation($i: RecordPledgeInput!) { recordPledge(input: $i) { id } }",
                        "variables": { "i": {
                            "clientMutationId": uuid::Uuid::now_v7().to_string(), "householdId": household,
                            "campaignId": campaign, "signerName": "Benchmark", "signedOn": "2024-03-02"
                        } }
                    });
                    let start = Instant::now();
                    let answer: serde_json::Value =
                        match client.post(&url).bearer_auth(&token).json(&body).send().await {
                            Ok(response) => response.json().await.unwrap_or_default(),
                            Err(_) => serde_json::Value::Null,
                        };
                    latencies.push(start.elapsed());
                    if answer["data"]["recordPledge"]["id"].is_null() {
                        failures += 1;
                    }
                }
                (latencies, failures)
            })
        })
        .collect();
    let mut latencies = Vec::new();
    let mut failures = 0;
    for task in tasks {
        let (mut task_latencies, task_failures) = task.await.expect("client task");
        latencies.append(&mut task_latencies);
        failures += task_failures;
    }
    let elapsed = started.elapsed().as_secs_f64();
    let count = latencies.len();
    println!(
        "recordPledge, {clients} clients: {count} requests in {elapsed:.1} s = {:.0}/s; p50 {:.2} ms, p99 {:.2} ms; {failures} failed",
        count as f64 / elapsed,
        percentile(&mut latencies, 0.5).as_secs_f64() * 1000.0,
        percentile(&mut latencies, 0.99).as_secs_f64() * 1000.0,
    );
}
