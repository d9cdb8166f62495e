//! Load check: one client, shared by 64 concurrent tasks, sends 10,000 requests to a local
//! server. Prints a table: throughput, errors, responses lost (answers that did not match
//! their request), and how many connections the server saw (the client must reuse them).
//!
//! Run with `cargo bench -p client-tests --bench load`.

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Instant;

use http_body_util::Full;
use hyper::body::Bytes;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Request, Response};
use hyper_util::rt::TokioIo;
use tokio::net::TcpListener;

const REQUESTS: usize = 10_000;
const TASKS: usize = 64;

/// Answers every request with an envelope whose `email` echoes the requested user id, so a
/// response can be matched to its request.
async fn answer(request: Request<hyper::body::Incoming>) -> Result<Response<Full<Bytes>>, Infallible> {
    let user = request.uri().path().split('/').nth(5).unwrap_or_default().to_owned();
    let body = format!(r#"{{"success":true,"errors":[],"messages":[],"result":{{"email":"{user}"}}}}"#);
    let response = Response::builder()
        .header("content-type", "application/json")
        .body(Full::new(Bytes::from(body)))
        .expect("a valid response");
    Ok(response)
}

async fn serve(connections: Arc<AtomicUsize>) -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("a local port");
    let address = listener.local_addr().expect("an address");
    tokio::spawn(async move {
        loop {
            let Ok((stream, _)) = listener.accept().await else { continue };
            connections.fetch_add(1, Ordering::Relaxed);
            tokio::spawn(async move {
                let _ =
                    http1::Builder::new().serve_connection(TokioIo::new(stream), service_fn(answer)).await;
            });
        }
    });
    address
}

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("a runtime");
    runtime.block_on(async {
        let connections = Arc::new(AtomicUsize::new(0));
        let address = serve(connections.clone()).await;
        let client = cloudflare_access::Client::builder()
            .base_url(format!("http://{address}"))
            .api_token("token")
            .build()
            .expect("a client");
        let next = Arc::new(AtomicUsize::new(0));
        let started = Instant::now();
        let tasks: Vec<_> = (0..TASKS)
            .map(|_| {
                let client = client.clone();
                let next = next.clone();
                tokio::spawn(async move {
                    let (mut ok, mut errors, mut lost) = (0usize, 0usize, 0usize);
                    loop {
                        let index = next.fetch_add(1, Ordering::Relaxed);
                        if index >= REQUESTS {
                            break;
                        }
                        let user = format!("user-{index}");
                        match client.zero_trust_users().get_last_seen_identity("account", &user).await {
                            Ok(identity) if identity.email.as_deref() == Some(user.as_str()) => ok += 1,
                            Ok(_) => lost += 1,
                            Err(_) => errors += 1,
                        }
                    }
                    (ok, errors, lost)
                })
            })
            .collect();
        let (mut ok, mut errors, mut lost) = (0, 0, 0);
        for task in tasks {
            let (o, e, l) = task.await.expect("a task");
            ok += o;
            errors += e;
            lost += l;
        }
        let seconds = started.elapsed().as_secs_f64();
        let seen = connections.load(Ordering::Relaxed);
        let per_connection = REQUESTS as f64 / seen.max(1) as f64;
        println!("| requests | tasks | answered | errors | lost | connections | requests/connection | seconds | requests/s |");
        println!("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        println!(
            "| {REQUESTS} | {TASKS} | {ok} | {errors} | {lost} | {seen} | {per_connection:.0} | {seconds:.2} | {:.0} |",
            REQUESTS as f64 / seconds
        );
        let missing = REQUESTS - ok - errors - lost;
        // Connections are reused: about one per task, plus some opened when a request starts
        // while a finished connection is still on its way back to the pool; never anywhere
        // near one per request.
        let healthy = errors == 0 && lost == 0 && missing == 0 && per_connection >= 20.0;
        if !healthy {
            eprintln!("load check failed: {errors} errors, {lost} lost, {missing} missing, {seen} connections");
            std::process::exit(1);
        }
    });
}
