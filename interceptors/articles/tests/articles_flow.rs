//! The 12-step flow end to end: Warden in this process (PostgreSQL, Redis,
//! RabbitMQ) and two separate `articles` processes, one reading sessions from
//! Redis with keys from `GetJwks`, the other asking `SessionService` with keys
//! from the HTTP JWKS. Both cache sessions behind the revocation feed.

mod common;

use std::time::{Duration, Instant};

use common::{admin_email, setup, spawn_articles, Wiring, WRITER};
use tonic::Code;
use warden_articles::pb::{CreateArticleRequest, GetArticleRequest, ListMyArticlesRequest};
use warden_e2e::{
    amqp_url, bearer, eventually, reason, redis_url, register_and_login, Backend, TestWarden,
};
use warden_proto::auth::v1::LogoutRequest;
use warden_proto::authz::v1::relationship_update::Operation;
use warden_proto::authz::v1::{
    AssignRoleRequest, ObjectReference, Relationship, RelationshipUpdate, SubjectReference,
    WriteRelationshipsRequest,
};

fn article(title: &str) -> CreateArticleRequest {
    CreateArticleRequest {
        title: title.into(),
        body: "body".into(),
    }
}

#[tokio::test]
async fn the_whole_flow_across_two_articles_processes() {
    let email = admin_email();
    let warden = TestWarden::start_tuned(Backend::Real, |c| {
        c.bootstrap_admin_email = Some(email.clone())
    })
    .await;
    let ready = setup(&warden, &email).await;
    let a = spawn_articles(
        &warden,
        &Wiring {
            redis_url: Some(redis_url()),
            amqp_url: Some(amqp_url()),
            http_jwks: false,
            api_key: Some(ready.api_key.clone()),
            ..Default::default()
        },
    )
    .await;
    let b = spawn_articles(
        &warden,
        &Wiring {
            redis_url: None,
            amqp_url: Some(amqp_url()),
            http_jwks: true,
            api_key: Some(ready.api_key.clone()),
            ..Default::default()
        },
    )
    .await;
    let (mut on_a, mut on_b) = (a.client().await, b.client().await);
    let mut auth = warden.auth().await;

    // 1-7: Alice logs in; the session is enriched (with no roles yet).
    let (alice_id, alice) = register_and_login(&mut auth).await;
    // 8-11: without `articles.create` she may not create.
    let err = on_a
        .create_article(bearer(article("first"), &alice.access_token))
        .await
        .unwrap_err();
    assert_eq!(err.code(), Code::PermissionDenied, "{err:?}");
    assert_eq!(reason(&err), "PERMISSION_DENIED");

    // The admin gives her the writer role: the same token creates, no new login.
    let mut authz = warden.authz().await;
    authz
        .assign_role(bearer(
            AssignRoleRequest {
                user_id: alice_id.clone(),
                role: WRITER.into(),
            },
            &ready.admin,
        ))
        .await
        .expect("assign writer");
    let created = eventually(Duration::from_secs(5), || {
        let mut on_a = on_a.clone();
        let token = alice.access_token.clone();
        async move {
            on_a.create_article(bearer(article("first"), &token))
                .await
                .ok()
        }
    })
    .await
    .expect("the role reaches the live session within 5 s")
    .into_inner();
    assert_eq!(created.owner_id, alice_id);
    // The other process sees the role too (from SessionService).
    let on_b_created = on_b
        .create_article(bearer(article("on b"), &alice.access_token))
        .await
        .expect("process b reads the enriched session")
        .into_inner();

    // 12: the owner reads and lists her articles, on each process its own.
    let got = on_a
        .get_article(bearer(
            GetArticleRequest {
                article_id: created.article_id.clone(),
            },
            &alice.access_token,
        ))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(got, created);
    let mine = on_a
        .list_my_articles(bearer(ListMyArticlesRequest {}, &alice.access_token))
        .await
        .unwrap()
        .into_inner()
        .articles;
    assert_eq!(mine, vec![created.clone()]);
    let mine_on_b = on_b
        .list_my_articles(bearer(ListMyArticlesRequest {}, &alice.access_token))
        .await
        .unwrap()
        .into_inner()
        .articles;
    assert_eq!(mine_on_b, vec![on_b_created]);

    // Bob may not read Alice's article until a relationship shares it.
    let (bob_id, bob) = register_and_login(&mut auth).await;
    let get = |token: &str| {
        bearer(
            GetArticleRequest {
                article_id: created.article_id.clone(),
            },
            token,
        )
    };
    let err = on_a.get_article(get(&bob.access_token)).await.unwrap_err();
    assert_eq!(err.code(), Code::PermissionDenied, "{err:?}");
    let err = on_b.get_article(get(&bob.access_token)).await.unwrap_err();
    assert_eq!(
        err.code(),
        Code::PermissionDenied,
        "a refusal does not reveal where the article lives"
    );
    assert!(on_a
        .list_my_articles(bearer(ListMyArticlesRequest {}, &bob.access_token))
        .await
        .unwrap()
        .into_inner()
        .articles
        .is_empty());
    authz
        .write_relationships(bearer(
            WriteRelationshipsRequest {
                updates: vec![RelationshipUpdate {
                    operation: Operation::Touch as i32,
                    relationship: Some(Relationship {
                        resource: Some(ObjectReference {
                            object_type: "article".into(),
                            object_id: created.article_id.clone(),
                        }),
                        relation: "viewer".into(),
                        subject: Some(SubjectReference {
                            object: Some(ObjectReference {
                                object_type: "user".into(),
                                object_id: bob_id.clone(),
                            }),
                            optional_relation: String::new(),
                        }),
                        expires_at: None,
                    }),
                }],
                preconditions: vec![],
            },
            &ready.admin,
        ))
        .await
        .expect("share the article with bob");
    let shared = on_a
        .get_article(get(&bob.access_token))
        .await
        .expect("shared: bob reads it (fully consistent check)")
        .into_inner();
    assert_eq!(shared, created);
    let err = on_b.get_article(get(&bob.access_token)).await.unwrap_err();
    assert_eq!(
        err.code(),
        Code::NotFound,
        "bob may view it, but process b keeps its own articles"
    );

    // Warm both caches with Alice's session, then log out: both processes
    // refuse her token at once.
    for client in [&mut on_a, &mut on_b] {
        for _ in 0..3 {
            client
                .list_my_articles(bearer(ListMyArticlesRequest {}, &alice.access_token))
                .await
                .expect("alice is still logged in");
        }
    }
    auth.logout(bearer(LogoutRequest {}, &alice.access_token))
        .await
        .expect("logout");
    let logged_out = Instant::now();
    for (name, client) in [("a", &on_a), ("b", &on_b)] {
        let refused = eventually(Duration::from_secs(1), || {
            let mut client = client.clone();
            let token = alice.access_token.clone();
            async move {
                client
                    .list_my_articles(bearer(ListMyArticlesRequest {}, &token))
                    .await
                    .err()
            }
        })
        .await
        .unwrap_or_else(|| panic!("process {name} still accepts the token 1 s after logout"));
        assert_eq!(refused.code(), Code::Unauthenticated, "{refused:?}");
        assert_eq!(reason(&refused), "SESSION_REVOKED");
        println!(
            "process {name} refused the logged-out token {:?} after Logout returned",
            logged_out.elapsed()
        );
    }
    // Bob is untouched by Alice's logout.
    on_a.get_article(get(&bob.access_token))
        .await
        .expect("bob still reads the shared article");

    a.stop().await;
    b.stop().await;
    warden.stop().await;
}

/// Counts the reads that reach Redis behind the cache.
struct CountingRedis {
    inner: warden_interceptor::sources::RedisSessionSource,
    reads: std::sync::atomic::AtomicU64,
}

#[tonic::async_trait]
impl warden_interceptor::SessionSource for CountingRedis {
    async fn session(
        &self,
        session_id: &str,
    ) -> Result<Option<warden_proto::session::v1::Session>, warden_interceptor::AuthError> {
        self.reads.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        self.inner.session(session_id).await
    }
}

#[tokio::test]
async fn redis_invalidations_alone_keep_the_session_cache_honest() {
    use std::sync::atomic::Ordering;
    use std::sync::Arc;
    use warden_interceptor::sources::{CachedSessionSource, RedisSessionSource};
    use warden_interceptor::SessionSource;

    let warden = TestWarden::start(Backend::Real).await;
    common::wait_for_enrichment_consumer(&warden).await;
    let redis = Arc::new(CountingRedis {
        inner: RedisSessionSource::connect(&redis_url())
            .await
            .expect("redis"),
        reads: Default::default(),
    });
    let cache = CachedSessionSource::new(redis.clone(), Duration::from_secs(60));
    // No warden.events feed: Redis client-side caching messages only.
    cache.follow_redis_invalidations(redis_url());
    let up = eventually(Duration::from_secs(10), || {
        let up = cache.feed_up();
        async move { up.then_some(()) }
    })
    .await;
    assert!(up.is_some(), "the Redis invalidation feed connects");

    let mut auth = warden.auth().await;
    let (_, tokens) = register_and_login(&mut auth).await;
    common::wait_enriched(&warden, &tokens.access_token).await;
    let sid = tokens.session_id.clone();
    assert!(cache.session(&sid).await.unwrap().is_some());
    // Five reads in a row served from the cache. A round is tried again
    // when a late invalidation of an earlier write (one CI run saw one)
    // evicted the session during it: that re-read is the cache being honest.
    let mut cached = false;
    for _ in 0..20 {
        let reads = redis.reads.load(Ordering::SeqCst);
        for _ in 0..5 {
            assert!(cache.session(&sid).await.unwrap().is_some());
        }
        if redis.reads.load(Ordering::SeqCst) == reads {
            cached = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(cached, "served from the cache");

    auth.logout(bearer(LogoutRequest {}, &tokens.access_token))
        .await
        .unwrap();
    let logged_out = Instant::now();
    let gone = eventually(Duration::from_secs(1), || {
        let cache = cache.clone();
        let sid = sid.clone();
        async move { cache.session(&sid).await.unwrap().is_none().then_some(()) }
    })
    .await;
    assert!(
        gone.is_some(),
        "the deleted session key invalidated the cached session"
    );
    println!(
        "Redis invalidation dropped the session {:?} after Logout returned",
        logged_out.elapsed()
    );

    // Stopped, the feed stays down (no reconnection), and reads go to Redis.
    cache.stop_following();
    assert!(!cache.feed_up());
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert!(!cache.feed_up(), "a stopped feed does not reconnect");
    warden.stop().await;
}
