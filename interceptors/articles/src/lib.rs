//! `articles`: the example resource service of `warden-interceptor`. Articles
//! live in this process's memory; every RPC goes through [`WardenLayer`], and
//! handlers authorize with the session's permissions, with ownership, or with
//! Warden's `CheckPermission` for articles shared through relationships.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, RwLock};
use std::time::Duration;

use tonic::transport::Channel;
use tonic::{Request, Response, Status};
use warden_interceptor::sources::{
    CachedSessionSource, GrpcKeySource, GrpcSessionSource, HttpKeySource, RedisSessionSource,
};
use warden_interceptor::{
    AuthContext, AuthError, AuthzClient, KeySource, ServiceCredential, SessionSource, WardenLayer,
};

/// The generated article service (`warden.articles.v1`).
pub mod pb {
    #![allow(missing_docs, clippy::all)]
    tonic::include_proto!("warden.articles.v1");

    /// Encoded descriptor set of `articles.proto`, for server reflection.
    pub const FILE_DESCRIPTOR_SET: &[u8] =
        include_bytes!(concat!(env!("OUT_DIR"), "/articles_descriptor.bin"));
}

use pb::article_service_server::{ArticleService, ArticleServiceServer};
use pb::*;

/// The permission a session needs to create articles.
pub const CREATE_PERMISSION: &str = "articles.create";
/// Longest title accepted, in bytes.
const MAX_TITLE_BYTES: usize = 200;
/// Longest body accepted, in bytes.
const MAX_BODY_BYTES: usize = 64 * 1024;

/// Every way an article RPC fails, with its gRPC code.
#[derive(Debug)]
pub enum ArticlesError {
    /// Authentication or authorization refused the call (or its backend is down).
    Auth(AuthError),
    /// The request is malformed.
    InvalidArgument(&'static str),
    /// The caller may see the article, but this process does not hold it.
    NotFound,
}

impl From<AuthError> for ArticlesError {
    fn from(e: AuthError) -> Self {
        Self::Auth(e)
    }
}

impl From<ArticlesError> for Status {
    fn from(e: ArticlesError) -> Self {
        match e {
            ArticlesError::Auth(e) => e.into(),
            ArticlesError::InvalidArgument(what) => Status::invalid_argument(what),
            ArticlesError::NotFound => Status::not_found("no such article here"),
        }
    }
}

/// How shared articles are checked with Warden.
enum SharedCheck {
    /// With the service's own credential (an API key).
    Service(Box<AuthzClient>),
    /// With the caller's own access token (no API key configured).
    CallerToken(Channel),
}

/// The article service: an in-memory store and the authorization rules.
pub struct Articles {
    articles: RwLock<HashMap<String, Article>>,
    order: RwLock<Vec<String>>,
    shared: SharedCheck,
}

impl Articles {
    /// A service checking shared articles with Warden at `warden` as
    /// `api_key` (or, without one, with each caller's own token).
    pub fn new(warden: Channel, api_key: Option<String>) -> Self {
        let shared = match api_key {
            Some(key) => SharedCheck::Service(Box::new(
                AuthzClient::new(warden, ServiceCredential::ApiKey(key)).fully_consistent(true),
            )),
            None => SharedCheck::CallerToken(warden),
        };
        Self {
            articles: RwLock::new(HashMap::new()),
            order: RwLock::new(Vec::new()),
            shared,
        }
    }

    /// Whether `caller` has `view` on `article:<id>` in Warden's relationships.
    async fn may_view(&self, caller: &AuthContext, id: &str) -> Result<bool, AuthError> {
        let resource = format!("article:{id}");
        let subject = format!("user:{}", caller.user_id);
        match &self.shared {
            SharedCheck::Service(client) => client.check(&resource, "view", &subject).await,
            SharedCheck::CallerToken(channel) => {
                let token = caller.token().to_owned();
                AuthzClient::new(channel.clone(), ServiceCredential::AccessToken(token))
                    .fully_consistent(true)
                    .check(&resource, "view", &subject)
                    .await
            }
        }
    }

    fn read(&self) -> std::sync::RwLockReadGuard<'_, HashMap<String, Article>> {
        self.articles.read().unwrap_or_else(|p| p.into_inner())
    }
}

#[tonic::async_trait]
impl ArticleService for Articles {
    async fn create_article(
        &self,
        req: Request<CreateArticleRequest>,
    ) -> Result<Response<Article>, Status> {
        let caller = AuthContext::of(&req)?;
        caller.require_permission(CREATE_PERMISSION)?;
        let owner_id = caller.user_id.clone();
        let CreateArticleRequest { title, body } = req.into_inner();
        if title.trim().is_empty() || title.len() > MAX_TITLE_BYTES {
            return Err(ArticlesError::InvalidArgument("title: 1 to 200 bytes").into());
        }
        if body.len() > MAX_BODY_BYTES {
            return Err(ArticlesError::InvalidArgument("body: at most 64 KiB").into());
        }
        let article = Article {
            article_id: uuid::Uuid::new_v4().simple().to_string(),
            owner_id,
            title,
            body,
        };
        self.articles
            .write()
            .unwrap_or_else(|p| p.into_inner())
            .insert(article.article_id.clone(), article.clone());
        self.order
            .write()
            .unwrap_or_else(|p| p.into_inner())
            .push(article.article_id.clone());
        Ok(Response::new(article))
    }

    async fn get_article(
        &self,
        req: Request<GetArticleRequest>,
    ) -> Result<Response<Article>, Status> {
        let caller = AuthContext::of(&req)?;
        let id = &req.get_ref().article_id;
        let found = self.read().get(id).cloned();
        if let Some(article) = &found {
            if caller.require_owner(&article.owner_id).is_ok() {
                return Ok(Response::new(article.clone()));
            }
        }
        // Not the owner (or not held here): only a relationship lets the
        // caller see it, and a refusal says nothing about existence.
        if !self.may_view(caller, id).await? {
            return Err(ArticlesError::Auth(AuthError::PermissionDenied(
                "no view on this article".into(),
            ))
            .into());
        }
        found
            .map(Response::new)
            .ok_or_else(|| ArticlesError::NotFound.into())
    }

    async fn list_my_articles(
        &self,
        req: Request<ListMyArticlesRequest>,
    ) -> Result<Response<ListMyArticlesResponse>, Status> {
        let caller = AuthContext::of(&req)?;
        let articles = self.read();
        let order = self.order.read().unwrap_or_else(|p| p.into_inner());
        let mine = order
            .iter()
            .filter_map(|id| articles.get(id))
            .filter(|a| a.owner_id == caller.user_id)
            .cloned()
            .collect();
        Ok(Response::new(ListMyArticlesResponse { articles: mine }))
    }
}

/// Where the service finds Warden and its backends.
#[derive(Debug, Clone)]
pub struct Settings {
    /// gRPC address to listen on (`127.0.0.1:0` picks a free port).
    pub listen: SocketAddr,
    /// Warden's gRPC URL (`http://127.0.0.1:50051`).
    pub warden_url: String,
    /// Warden's HTTP JWKS URL; keys come from `GetJwks` when absent.
    pub jwks_url: Option<String>,
    /// Redis with Warden's sessions; `SessionService` is asked when absent.
    pub redis_url: Option<String>,
    /// RabbitMQ with `warden.events` (a revocation feed for the session cache).
    pub amqp_url: Option<String>,
    /// API key for `CheckPermission`; the caller's own token is used when absent.
    pub api_key: Option<String>,
    /// Expected `iss` of access tokens.
    pub issuer: String,
    /// Expected `aud` of access tokens.
    pub audience: String,
    /// Longest a session stays in the local cache; zero turns the cache off.
    /// Sessions are cached only with a revocation feed (`amqp_url`, or Redis
    /// invalidations when `redis_url` is set).
    pub session_cache_max_age: Duration,
    /// Longest a session that is not enriched yet is waited for.
    pub enrichment_wait: Duration,
}

/// A started article service.
pub struct RunningArticles {
    /// The bound gRPC address.
    pub addr: SocketAddr,
    /// The serving task.
    pub task: tokio::task::JoinHandle<Result<(), tonic::transport::Error>>,
}

/// Connects to Warden and its backends, binds, and starts serving.
pub async fn start(settings: Settings) -> anyhow::Result<RunningArticles> {
    let warden = Channel::from_shared(settings.warden_url.clone())?
        .connect_timeout(Duration::from_secs(2))
        .connect_lazy();
    let keys: Arc<dyn KeySource> = match &settings.jwks_url {
        Some(url) => Arc::new(HttpKeySource::new(url)?),
        None => Arc::new(GrpcKeySource::new(warden.clone())),
    };
    let direct: Arc<dyn SessionSource> = match &settings.redis_url {
        Some(url) => Arc::new(RedisSessionSource::connect(url).await?),
        None => Arc::new(GrpcSessionSource::new(warden.clone())),
    };
    // A cache needs a revocation feed: warden.events, Redis invalidations, or both.
    let feeds = settings.amqp_url.is_some() || settings.redis_url.is_some();
    let sessions: Arc<dyn SessionSource> = if feeds && !settings.session_cache_max_age.is_zero() {
        let cached = CachedSessionSource::new(direct, settings.session_cache_max_age);
        if let Some(url) = &settings.amqp_url {
            cached.follow_revocations(url.clone());
        }
        if let Some(url) = &settings.redis_url {
            cached.follow_redis_invalidations(url.clone());
        }
        cached
    } else {
        direct
    };
    let layer = WardenLayer::builder(settings.issuer.clone(), settings.audience.clone())
        .key_source(keys)
        .session_source(sessions)
        .enrichment_wait(settings.enrichment_wait)
        .open_service("grpc.health.v1.Health")
        .open_service("grpc.reflection.v1.ServerReflection")
        .open_service("grpc.reflection.v1alpha.ServerReflection")
        .build();
    layer.refresh_keys_periodically(Duration::from_secs(60));

    let (health_reporter, health) = tonic_health::server::health_reporter();
    health_reporter
        .set_serving::<ArticleServiceServer<Articles>>()
        .await;
    // Warden's descriptor set carries google.rpc's error details, so grpcurl
    // decodes the ErrorInfo of a refusal; `list` still names only what is served.
    let reflection = || {
        tonic_reflection::server::Builder::configure()
            .register_encoded_file_descriptor_set(pb::FILE_DESCRIPTOR_SET)
            .register_encoded_file_descriptor_set(tonic_health::pb::FILE_DESCRIPTOR_SET)
            .register_encoded_file_descriptor_set(warden_proto::FILE_DESCRIPTOR_SET)
            .with_service_name("warden.articles.v1.ArticleService")
            .with_service_name("grpc.health.v1.Health")
            .with_service_name("grpc.reflection.v1.ServerReflection")
            .with_service_name("grpc.reflection.v1alpha.ServerReflection")
    };
    let listener = tokio::net::TcpListener::bind(settings.listen).await?;
    let addr = listener.local_addr()?;
    let server = tonic::transport::Server::builder()
        // Room for oversized metadata, so the layer refuses it with a gRPC status.
        .http2_max_header_list_size(Some(1 << 20))
        // h2 closes a connection holding more small unread requests than half
        // its window allows: about 180 at the default 64 KiB (see Warden's README).
        .initial_connection_window_size(8 << 20)
        .layer(layer)
        .add_service(health)
        .add_service(reflection().build_v1()?)
        .add_service(reflection().build_v1alpha()?)
        .add_service(ArticleServiceServer::new(Articles::new(
            warden,
            settings.api_key,
        )));
    let task = tokio::spawn(server.serve_with_incoming(
        tonic::transport::server::TcpIncoming::from(listener).with_nodelay(Some(true)),
    ));
    Ok(RunningArticles { addr, task })
}
