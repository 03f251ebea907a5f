//! Shared parts of `warden-bench`: the Drive-like data set generator, load
//! generation, and the bare echo service benchmarks compare against.

pub mod dataset;
pub mod load;

/// The generated echo service (`warden.bench.v1.EchoService`).
pub mod echo {
    #![allow(missing_docs, clippy::all)]
    tonic::include_proto!("warden.bench.v1");

    /// Echoes the payload back: the cheapest possible unary handler.
    #[derive(Debug, Default, Clone, Copy)]
    pub struct Echo;

    #[tonic::async_trait]
    impl echo_service_server::EchoService for Echo {
        async fn echo(
            &self,
            req: tonic::Request<EchoRequest>,
        ) -> Result<tonic::Response<EchoResponse>, tonic::Status> {
            Ok(tonic::Response::new(EchoResponse {
                payload: req.into_inner().payload,
            }))
        }

        async fn echo_open(
            &self,
            req: tonic::Request<EchoRequest>,
        ) -> Result<tonic::Response<EchoResponse>, tonic::Status> {
            self.echo(req).await
        }
    }
}
