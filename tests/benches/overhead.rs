//! What the generated client costs over plain `reqwest`: the same request, against the same
//! local server, made by the Cloudflare Access client and by hand (reqwest, then
//! `serde_json::from_slice` into the same generated types), in one run.
//!
//! - a small JSON answer (`zero_trust_users().get_last_seen_identity`, an envelope of 0.5 kB);
//! - a 10 MB answer (`access_authentication_logs().get`, 40,000 log entries), next to
//!   `serde_json::from_slice` alone on the same bytes.
//!
//! Criterion reports the time per request; after it, a table gives the medians side by side
//! (the cases compared run in turns) and the allocations per request (counted on the calling
//! thread only: the server runs on a thread of its own). The client is built as this package
//! uses it, with its `tracing` feature on (no subscriber listens).
//!
//! Run with `cargo bench -p client-tests --bench overhead`.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::convert::Infallible;
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use cloudflare_access::reqwest;
use cloudflare_access::types::{AccessIdentity, AuthenticationLog};
use criterion::{criterion_group, Criterion};
use http_body_util::Full;
use hyper::body::Bytes;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Request, Response};
use hyper_util::rt::TokioIo;
use serde::Deserialize;
use tokio::net::TcpListener;

/// Counts the allocations made on threads that ask for it.
struct Counting;

thread_local! {
    static COUNTING: Cell<bool> = const { Cell::new(false) };
    static ALLOCATIONS: Cell<u64> = const { Cell::new(0) };
}

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        count();
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        count();
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

fn count() {
    // `try_with`: a thread being torn down has no locals left, and is not counted.
    let _ = COUNTING.try_with(|counting| {
        if counting.get() {
            let _ = ALLOCATIONS.try_with(|n| n.set(n.get() + 1));
        }
    });
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

const ACCOUNT: &str = "023e105f4ecef8ad9ca31a8372d0c353";
const USER: &str = "f174e90a-fafe-4643-bbbc-4a0ed4fc8415";
const TOKEN: &str = "Sn3lZJTBX6kkg7OdcBUAxOO963GEIyGQqnFTOFYY";
/// The generated client's default timeout of one attempt, given to the plain request too: the
/// same request, with the same guard against a server that never answers.
const TIMEOUT: Duration = Duration::from_secs(60);
/// Log entries in the large answer: about 10 MB of JSON.
const LOG_ENTRIES: usize = 40_000;

/// The envelope, written by hand as a user of plain reqwest would.
#[derive(Deserialize)]
struct Envelope<T> {
    #[allow(dead_code, reason = "read to mirror what the client reads")]
    success: bool,
    #[allow(dead_code, reason = "read to mirror what the client reads")]
    errors: Vec<serde_json::Value>,
    #[allow(dead_code, reason = "read to mirror what the client reads")]
    messages: Vec<serde_json::Value>,
    result: T,
}

fn identity_body() -> Vec<u8> {
    let result = serde_json::json!({
        "account_id": "1234567890",
        "auth_status": "NONE",
        "common_name": "",
        "device_id": "",
        "device_sessions": {},
        "devicePosture": {},
        "email": "test@cloudflare.com",
        "geo": { "country": "US" },
        "iat": 1694791905,
        "idp": { "id": "", "type": "" },
        "ip": "127.0.0.0",
        "is_gateway": false,
        "is_warp": false,
        "mtls_auth": { "auth_status": "", "cert_issuer_dn": "", "cert_issuer_ski": "", "cert_presented": false, "cert_serial": "" },
        "service_token_id": "",
        "service_token_status": false,
        "user_uuid": "57cf8cf2-f55a-4588-9ac9-f5e41e9f09b4",
        "version": 2
    });
    envelope(result)
}

fn logs_body() -> Vec<u8> {
    let entries: Vec<_> = (0..LOG_ENTRIES)
        .map(|index| {
            serde_json::json!({
                "action": "login",
                "allowed": index % 7 != 0,
                "app_domain": format!("app-{}.example.com/admin", index % 100),
                "app_uid": "df7e2w5f-02b7-4d9d-af26-8d1988fca630",
                "connection": "saml",
                "created_at": "2014-01-01T05:20:00.12345Z",
                "ip_address": format!("198.51.{}.{}", index / 256 % 256, index % 256),
                "ray_id": format!("187d944c61940c{index:02x}"),
                "user_email": format!("user{index}@example.com"),
                "country": "US",
                "purpose_justification_response": "Investigating an alert on the login service."
            })
        })
        .collect();
    envelope(serde_json::Value::Array(entries))
}

fn envelope(result: serde_json::Value) -> Vec<u8> {
    let body = serde_json::json!({ "success": true, "errors": [], "messages": [], "result": result });
    serde_json::to_vec(&body).expect("JSON")
}

/// A server on a thread of its own that answers each path with its body.
fn serve(identity: Bytes, logs: Bytes) -> SocketAddr {
    let (send, receive) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("a runtime");
        runtime.block_on(async move {
            let listener = TcpListener::bind("127.0.0.1:0").await.expect("a local port");
            send.send(listener.local_addr().expect("an address")).expect("the bench waits");
            loop {
                let Ok((stream, _)) = listener.accept().await else { continue };
                let (identity, logs) = (identity.clone(), logs.clone());
                tokio::spawn(async move {
                    let answer = move |request: Request<hyper::body::Incoming>| {
                        let body = if request.uri().path().ends_with("/last_seen_identity") {
                            identity.clone()
                        } else {
                            logs.clone()
                        };
                        async move {
                            let response = Response::builder()
                                .header("content-type", "application/json")
                                .body(Full::new(body))
                                .expect("a response");
                            Ok::<_, Infallible>(response)
                        }
                    };
                    let _ = http1::Builder::new()
                        .serve_connection(TokioIo::new(stream), service_fn(answer))
                        .await;
                });
            }
        });
    });
    receive.recv().expect("the server's address")
}

struct Setup {
    base: String,
    client: cloudflare_access::Client,
    http: reqwest::Client,
    logs: Vec<u8>,
}

impl Setup {
    fn new() -> Self {
        let (identity, logs) = (identity_body(), logs_body());
        let base = format!("http://{}", serve(Bytes::from(identity), Bytes::from(logs.clone())));
        let client =
            cloudflare_access::Client::builder().base_url(&base).api_token(TOKEN).build().expect("a client");
        Setup { base, client, http: reqwest::Client::new(), logs }
    }

    async fn client_identity(&self) -> AccessIdentity {
        self.client
            .zero_trust_users()
            .get_last_seen_identity(ACCOUNT, USER)
            .send()
            .await
            .expect("an identity")
    }

    async fn reqwest_identity(&self) -> AccessIdentity {
        let url = format!("{}/accounts/{ACCOUNT}/access/users/{USER}/last_seen_identity", self.base);
        let request = self.http.get(url).bearer_auth(TOKEN).timeout(TIMEOUT);
        let response = request.send().await.expect("an answer");
        let bytes = response.error_for_status().expect("a success").bytes().await.expect("a body");
        serde_json::from_slice::<Envelope<AccessIdentity>>(&bytes).expect("an identity").result
    }

    async fn client_logs(&self) -> Vec<AuthenticationLog> {
        self.client.access_authentication_logs().get(ACCOUNT).send().await.expect("logs")
    }

    async fn reqwest_logs(&self) -> Vec<AuthenticationLog> {
        let url = format!("{}/accounts/{ACCOUNT}/access/logs/access_requests", self.base);
        let request = self.http.get(url).bearer_auth(TOKEN).timeout(TIMEOUT);
        let response = request.send().await.expect("an answer");
        let bytes = response.error_for_status().expect("a success").bytes().await.expect("a body");
        serde_json::from_slice::<Envelope<Vec<AuthenticationLog>>>(&bytes).expect("logs").result
    }

    fn decode_logs(&self) -> Vec<AuthenticationLog> {
        serde_json::from_slice::<Envelope<Vec<AuthenticationLog>>>(&self.logs).expect("logs").result
    }
}

/// The cases, in the order of the table: name, and what one request is.
const CASES: [&str; 5] = [
    "small JSON: generated client",
    "small JSON: plain reqwest",
    "10 MB JSON: generated client",
    "10 MB JSON: plain reqwest",
    "10 MB JSON: serde_json::from_slice alone",
];

fn run_case(runtime: &tokio::runtime::Runtime, setup: &Setup, case: usize) {
    match case {
        0 => drop(runtime.block_on(setup.client_identity())),
        1 => drop(runtime.block_on(setup.reqwest_identity())),
        2 => drop(runtime.block_on(setup.client_logs())),
        3 => drop(runtime.block_on(setup.reqwest_logs())),
        _ => drop(setup.decode_logs()),
    }
}

/// Allocations per run of a case, on this thread (the client's runtime runs here too).
fn allocations(runtime: &tokio::runtime::Runtime, setup: &Setup, case: usize, runs: u64) -> f64 {
    run_case(runtime, setup, case);
    ALLOCATIONS.with(|n| n.set(0));
    COUNTING.with(|c| c.set(true));
    for _ in 0..runs {
        run_case(runtime, setup, case);
    }
    COUNTING.with(|c| c.set(false));
    ALLOCATIONS.with(|n| n.get()) as f64 / runs as f64
}

/// The median time of one run of each case, over `runs` rounds that run every case once in
/// turn, so that a machine busy for a while slows all of them alike.
fn medians(runtime: &tokio::runtime::Runtime, setup: &Setup, cases: &[usize], runs: usize) -> Vec<Duration> {
    let mut times: Vec<Vec<Duration>> = vec![Vec::with_capacity(runs); cases.len()];
    for _ in 0..runs {
        for (index, &case) in cases.iter().enumerate() {
            let started = Instant::now();
            run_case(runtime, setup, case);
            times[index].push(started.elapsed());
        }
    }
    times
        .into_iter()
        .map(|mut t| {
            t.sort();
            t[t.len() / 2]
        })
        .collect()
}

fn benches(c: &mut Criterion) {
    // The client's runtime runs on this thread, so that its allocations are counted here.
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("a runtime");
    let setup = Setup::new();
    // Both ways read the same values, or the comparison means nothing.
    assert_eq!(runtime.block_on(setup.client_identity()), runtime.block_on(setup.reqwest_identity()));
    let logs = runtime.block_on(setup.client_logs());
    assert_eq!(logs.len(), LOG_ENTRIES);
    assert!(logs == runtime.block_on(setup.reqwest_logs()) && logs == setup.decode_logs());

    let mut small = c.benchmark_group("small JSON");
    for (case, name) in CASES.iter().enumerate().take(2) {
        small.bench_function(*name, |b| b.iter(|| run_case(&runtime, &setup, case)));
    }
    small.finish();
    let mut large = c.benchmark_group("10 MB JSON");
    large.sample_size(20).measurement_time(Duration::from_secs(8));
    for (case, name) in CASES.iter().enumerate().skip(2) {
        large.bench_function(*name, |b| b.iter(|| run_case(&runtime, &setup, case)));
    }
    large.finish();

    if std::env::args().any(|arg| arg == "--bench") {
        table(&runtime, &setup);
    }
}

/// The cases side by side: medians measured in turns here, and allocations.
fn table(runtime: &tokio::runtime::Runtime, setup: &Setup) {
    let mut times = medians(runtime, setup, &[0, 1], 5000);
    times.extend(medians(runtime, setup, &[2, 3, 4], 40));
    let runs = [500, 500, 5, 5, 5];
    let allocated: Vec<f64> = (0..5).map(|case| allocations(runtime, setup, case, runs[case])).collect();
    let reference = [1, 1, 3, 3, 4];
    println!();
    println!("| case | median per request | against | ratio | allocations per request |");
    println!("| --- | ---: | --- | ---: | ---: |");
    for case in 0..5 {
        let against = reference[case];
        let (text, ratio) = if against == case {
            ("-".to_owned(), "-".to_owned())
        } else {
            let ratio = times[case].as_secs_f64() / times[against].as_secs_f64();
            (CASES[against].to_owned(), format!("{ratio:.2}x"))
        };
        println!("| {} | {} | {text} | {ratio} | {:.0} |", CASES[case], shown(times[case]), allocated[case]);
    }
    let decode_ratio = times[2].as_secs_f64() / times[4].as_secs_f64();
    println!();
    println!("10 MB: the generated call (transfer and decoding) takes {decode_ratio:.2}x `serde_json::from_slice` alone.");
}

fn shown(time: Duration) -> String {
    match time.as_micros() {
        0..1000 => format!("{:.1} µs", time.as_secs_f64() * 1e6),
        _ => format!("{:.2} ms", time.as_secs_f64() * 1e3),
    }
}

criterion_group!(overhead, benches);

fn main() {
    overhead();
    criterion::Criterion::default().configure_from_args().final_summary();
}
