//! A stream of `createHousehold` writes for the SIGTERM durability check of `bench/faults.sh`: N clients,
//! each on its own connection, write households with unique codes (`c03-00042`: client 3, write 42) until
//! the server stops answering, and record what became of every write.
//!
//! `FAULT_URL=http://127.0.0.1:8091/graphql FAULT_TOKEN=… FAULT_GROUPS=id1,id2 FAULT_OUT=writes.tsv \
//!  cargo run --release --example fault_writer -- 16 60` (clients, at most so many seconds).
//!
//! Each line of `FAULT_OUT` is `code <TAB> outcome <TAB> sent_ms <TAB> answered_ms` (Unix milliseconds),
//! the outcome one of:
//! - `ack`: HTTP 2xx with `data.createHousehold.code` equal to the code sent, no errors: acknowledged;
//! - `error:CODE`: an answer without the household (e.g. `SERVICE_UNAVAILABLE`): not acknowledged;
//! - `unanswered`: sent, but the connection ended before a full answer: in flight, outcome unknown;
//! - `refused`: the connection could not be opened, so nothing was sent (the client then stops).

use std::{
    io::Write,
    time::{Duration, Instant, SystemTime, UNIX_EPOCH},
};

use serde_json::{Value, json};

const CREATE: &str = "mutation($i: CreateHouseholdInput!) { createHousehold(input: $i) { code } }";

fn now_ms() -> u128 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_millis()).unwrap_or_default()
}

/// What became of one write.
struct Attempt {
    code: String,
    outcome: String,
    sent_ms: u128,
    answered_ms: u128,
}

async fn write_once(client: &reqwest::Client, url: &str, token: &str, group: &str, code: &str) -> String {
    let body = json!({
        "query": CREATE,
        "variables": { "i": {
            "groupId": group, "code": code, "headName": "Fault Writer", "address": "1 Test Street",
            "memberCount": 3
        } }
    });
    let response = match client.post(url).bearer_auth(token).json(&body).send().await {
        Ok(response) => response,
        Err(err) if err.is_connect() => return "refused".into(),
        Err(_) => return "unanswered".into(),
    };
    let status = response.status();
    let answer: Value = match response.json().await {
        Ok(answer) => answer,
        // The head arrived but not the whole body: the client cannot count it as acknowledged.
        Err(_) => return "unanswered".into(),
    };
    let acknowledged = status.is_success()
        && answer.get("errors").is_none()
        && answer["data"]["createHousehold"]["code"].as_str() == Some(code);
    if acknowledged {
        "ack".into()
    } else {
        let code = answer["errors"][0]["extensions"]["code"].as_str().unwrap_or("NO_CODE");
        format!("error:{code}:{}", status.as_u16())
    }
}

#[tokio::main]
async fn main() {
    let env = |name: &str| std::env::var(name).unwrap_or_else(|_| panic!("set {name}"));
    let url = env("FAULT_URL");
    let token = env("FAULT_TOKEN");
    let groups: Vec<String> = env("FAULT_GROUPS").split(',').map(str::to_owned).collect();
    let out = env("FAULT_OUT");
    let mut args = std::env::args().skip(1);
    let clients: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(16);
    let seconds: u64 = args.next().and_then(|a| a.parse().ok()).unwrap_or(60);
    let deadline = Instant::now() + Duration::from_secs(seconds);

    let tasks: Vec<_> = (0..clients)
        .map(|n| {
            let (url, token, group) = (url.clone(), token.clone(), groups[n % groups.len()].clone());
            tokio::spawn(async move {
                // One client per task: its own keep-alive connection, like separate devices.
                let client = reqwest::Client::builder()
                    .pool_max_idle_per_host(1)
                    .timeout(Duration::from_secs(30))
                    .build()
                    .expect("client");
                let mut writes = Vec::new();
                let mut seq = 0u32;
                while Instant::now() < deadline {
                    let code = format!("c{n:02}-{seq:05}");
                    seq += 1;
                    let sent_ms = now_ms();
                    let outcome = write_once(&client, &url, &token, &group, &code).await;
                    let stop = matches!(outcome.as_str(), "refused" | "unanswered");
                    writes.push(Attempt { code, outcome, sent_ms, answered_ms: now_ms() });
                    if stop {
                        break;
                    }
                }
                writes
            })
        })
        .collect();
    let mut file = std::io::BufWriter::new(std::fs::File::create(&out).expect("FAULT_OUT"));
    let mut total = 0;
    for task in tasks {
        for w in task.await.expect("client task") {
            writeln!(file, "{}\t{}\t{}\t{}", w.code, w.outcome, w.sent_ms, w.answered_ms).expect("write");
            total += 1;
        }
    }
    file.flush().expect("flush");
    println!("fault_writer: {clients} clients, {total} writes recorded in {out}");
}
