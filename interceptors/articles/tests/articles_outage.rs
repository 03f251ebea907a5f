//! Backends going away under a running `articles` process, with nothing
//! restarted: Redis stopped gives UNAVAILABLE (nothing is allowed) and calls
//! succeed again once it is back; RabbitMQ stopped still lets a logout reach
//! the service at once (the session cache is bypassed while its feed is down).
//!
//! The Redis test runs its own private `redis-server` on a free port (the
//! machine's Redis serves every other test); the RabbitMQ test stops the local
//! broker with `rabbitmqctl`, so this file is its own test binary and its tests
//! run one at a time.

mod common;

use std::process::Command;
use std::time::{Duration, Instant};

use common::{spawn_articles, wait_for_enrichment_consumer, Wiring};
use tonic::Code;
use warden_articles::pb::ListMyArticlesRequest;
use warden_e2e::{
    amqp_url, bearer, eventually, reason, register_and_login, Backend, PrivateRedis, TestWarden,
};
use warden_proto::auth::v1::LogoutRequest;

/// The tests of this binary stop shared things: one at a time.
static SERIAL: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

#[tokio::test]
async fn redis_stopped_refuses_with_unavailable_and_recovers_without_a_restart() {
    let _serial = SERIAL.lock().await;
    let redis = PrivateRedis::start();
    let url = redis.url();
    let warden = TestWarden::start_tuned(Backend::Real, |c| c.redis_url = Some(url.clone())).await;
    wait_for_enrichment_consumer(&warden).await;
    // One process reads Redis on every call (no cache); the other caches
    // sessions for at most 1 s behind both revocation feeds.
    let direct = spawn_articles(
        &warden,
        &Wiring {
            redis_url: Some(redis.url()),
            cache_max_age_secs: Some(0),
            ..Default::default()
        },
    )
    .await;
    let cached_process = spawn_articles(
        &warden,
        &Wiring {
            redis_url: Some(redis.url()),
            amqp_url: Some(amqp_url()),
            cache_max_age_secs: Some(1),
            ..Default::default()
        },
    )
    .await;
    let mut auth = warden.auth().await;
    let (_, tokens) = register_and_login(&mut auth).await;
    let call = |client: &warden_articles::pb::article_service_client::ArticleServiceClient<
        tonic::transport::Channel,
    >| {
        let mut client = client.clone();
        let token = tokens.access_token.clone();
        async move {
            client
                .list_my_articles(bearer(ListMyArticlesRequest {}, &token))
                .await
        }
    };
    let (on_direct, on_cached) = (direct.client().await, cached_process.client().await);
    call(&on_direct).await.expect("served while Redis is up");
    call(&on_cached).await.expect("served while Redis is up");

    tokio::task::spawn_blocking({
        let port = redis.port;
        move || {
            Command::new("redis-cli")
                .args(["-p", &port.to_string(), "shutdown", "save"])
                .status()
                .expect("redis-cli")
        }
    })
    .await
    .unwrap();
    let stopped = eventually(Duration::from_secs(5), || async {
        redis
            .cli(&["ping"])
            .filter(|p| p == "PONG")
            .is_none()
            .then_some(())
    })
    .await;
    assert!(stopped.is_some(), "private redis stopped");

    // Nothing is allowed: the direct process refuses at once; the caching one
    // (its feed is up) at the latest when its entry reaches the cache's max
    // age (1 s here, 30 s by default), and nothing is cached anew.
    let err = call(&on_direct)
        .await
        .expect_err("refused while Redis is down");
    assert_eq!(err.code(), Code::Unavailable, "{err:?}");
    assert_eq!(reason(&err), "BACKEND_UNAVAILABLE");
    assert!(
        !err.message().contains("127.0.0.1"),
        "backend details stay in the logs: {}",
        err.message()
    );
    let err = eventually(Duration::from_secs(3), || async {
        call(&on_cached).await.err()
    })
    .await
    .expect("the caching process refuses once its entry is older than 1 s");
    assert_eq!(err.code(), Code::Unavailable, "{err:?}");
    assert_eq!(reason(&err), "BACKEND_UNAVAILABLE");
    // A login is refused too (Warden cannot write the session), so no new
    // session can reach any service.
    assert!(register_and_login_fails(&warden).await);

    // Redis comes back: the same token works again, nothing restarted.
    tokio::task::spawn_blocking({
        let redis_port = redis.port;
        let dir = redis.dir().to_owned();
        move || {
            let status = Command::new("redis-server")
                .args(["--port", &redis_port.to_string(), "--bind", "127.0.0.1"])
                .args(["--save", "", "--daemonize", "yes"])
                .arg("--dir")
                .arg(dir)
                .status()
                .expect("redis-server");
            assert!(status.success());
        }
    })
    .await
    .unwrap();
    for (name, client) in [("direct", &on_direct), ("cached", &on_cached)] {
        let back = eventually(Duration::from_secs(15), || async {
            call(client).await.ok().map(|_| ())
        })
        .await;
        assert!(back.is_some(), "{name}: served again after Redis returned");
    }
    let (_, fresh) = register_and_login(&mut auth).await;
    let mut on_direct_fresh = on_direct.clone();
    on_direct_fresh
        .list_my_articles(bearer(ListMyArticlesRequest {}, &fresh.access_token))
        .await
        .expect("a session created after the outage is served");
    drop(direct);
    drop(cached_process);
    warden.stop().await;
    redis.stop();
}

/// Whether a new registration and login is refused (the session store is down).
async fn register_and_login_fails(warden: &TestWarden) -> bool {
    let mut auth = warden.auth().await;
    let email = warden_e2e::unique_email();
    let _ = auth
        .register(warden_proto::auth::v1::RegisterRequest {
            email: email.clone(),
            password: warden_e2e::PASSWORD.into(),
            display_name: String::new(),
        })
        .await;
    auth.login(warden_proto::auth::v1::LoginRequest {
        email,
        password: warden_e2e::PASSWORD.into(),
    })
    .await
    .is_err()
}

fn rabbitmqctl(args: &[&str]) {
    let status = Command::new("rabbitmqctl")
        .args(args)
        .status()
        .unwrap_or_else(|e| panic!("rabbitmqctl {args:?}: {e}; this test needs the local RabbitMQ (scripts/backends.sh)"));
    assert!(status.success(), "rabbitmqctl {args:?} failed");
}

/// Starts the RabbitMQ application again if the test fails while it is
/// stopped, so later tests find the broker up.
struct RestartOnDrop;

impl Drop for RestartOnDrop {
    fn drop(&mut self) {
        let _ = Command::new("rabbitmqctl").arg("start_app").status();
        let _ = Command::new("rabbitmqctl").arg("await_startup").status();
    }
}

#[tokio::test]
async fn rabbitmq_stopped_a_logout_still_reaches_the_service_at_once() {
    let _serial = SERIAL.lock().await;
    let warden = TestWarden::start(Backend::Real).await;
    wait_for_enrichment_consumer(&warden).await;
    let process = spawn_articles(
        &warden,
        &Wiring {
            redis_url: Some(warden_e2e::redis_url()),
            amqp_url: Some(amqp_url()),
            ..Default::default()
        },
    )
    .await;
    let mut articles = process.client().await;
    let mut auth = warden.auth().await;
    let (_, tokens) = register_and_login(&mut auth).await;
    let (_, other) = register_and_login(&mut auth).await;
    for token in [&tokens.access_token, &other.access_token] {
        // Cached behind the feed.
        for _ in 0..3 {
            articles
                .list_my_articles(bearer(ListMyArticlesRequest {}, token))
                .await
                .expect("served");
        }
    }

    let _restart = RestartOnDrop;
    tokio::task::spawn_blocking(|| rabbitmqctl(&["stop_app"]))
        .await
        .unwrap();
    // Sessions are still served (read from Redis) while the broker is down.
    articles
        .list_my_articles(bearer(ListMyArticlesRequest {}, &other.access_token))
        .await
        .expect("served from Redis while the broker is down");

    auth.logout(bearer(LogoutRequest {}, &tokens.access_token))
        .await
        .expect("logout works while the broker is down");
    let logged_out = Instant::now();
    // The documented bound with a stopped broker: the next call (no cache
    // while the feed is down).
    let refused = eventually(Duration::from_millis(500), || {
        let mut articles = articles.clone();
        let token = tokens.access_token.clone();
        async move {
            articles
                .list_my_articles(bearer(ListMyArticlesRequest {}, &token))
                .await
                .err()
        }
    })
    .await
    .expect("the logged-out token is refused within 500 ms with the broker down");
    assert_eq!(refused.code(), Code::Unauthenticated);
    assert_eq!(reason(&refused), "SESSION_REVOKED");
    println!(
        "refused {:?} after Logout returned, broker down",
        logged_out.elapsed()
    );

    tokio::task::spawn_blocking(|| {
        rabbitmqctl(&["start_app"]);
        rabbitmqctl(&["await_startup"]);
    })
    .await
    .unwrap();
    // Still refused after the broker returns, and the other user still served.
    let err = articles
        .list_my_articles(bearer(ListMyArticlesRequest {}, &tokens.access_token))
        .await
        .unwrap_err();
    assert_eq!(reason(&err), "SESSION_REVOKED");
    articles
        .list_my_articles(bearer(ListMyArticlesRequest {}, &other.access_token))
        .await
        .expect("other sessions unaffected");
    drop(process);
    warden.stop().await;
}
