# BetterData API image: stateless ASP.NET Core host (HTTP 8080) serving
# /webhooks/* and /api/*, connected to the silos as an Orleans client
# (Orleans__Mode=Client; gateways are found in the PostgreSQL membership table).
#
#   docker build -f deploy/docker/Api.Dockerfile -t betterdata/api:dev .
#
# Build context = repository root. BuildKit reads the ignore file beside this
# Dockerfile (Api.Dockerfile.dockerignore); see deploy/docker/README.md.
#
# Pins: SDK 10.0.401 is the repo's SDK; ASP.NET Core runtime 10.0.12 is the
# runtime that SDK ships with. Bump both together (and in Silo.Dockerfile).
# For reproducible production builds, append the digest (`@sha256:<digest>`).

ARG SDK_IMAGE=mcr.microsoft.com/dotnet/sdk:10.0.401-noble
ARG RUNTIME_IMAGE=mcr.microsoft.com/dotnet/aspnet:10.0.12-noble-chiseled

# ---------------------------------------------------------------- restore ----
FROM ${SDK_IMAGE} AS build
WORKDIR /src
ENV DOTNET_CLI_TELEMETRY_OPTOUT=1 \
    DOTNET_NOLOGO=1 \
    DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

# Only the files that decide the restore graph, so this layer stays cached
# until a project file or a package version changes. The wildcards make
# global.json, NuGet.config, Directory.Build.targets and .editorconfig optional
# (.editorconfig matters to the build: TreatWarningsAsErrors + analyzers).
COPY Directory.Build.props Directory.Packages.props global.json* NuGet.config* nuget.config* Directory.Build.targets* .editorconfig* ./
COPY Grains.Abstractions/BetterData.Grains.Abstractions.csproj Grains.Abstractions/
COPY Grains/BetterData.Grains.csproj Grains/
COPY Api/BetterData.Api.csproj Api/
RUN dotnet restore Api/BetterData.Api.csproj

# ---------------------------------------------------------------- publish ----
# deploy/sql/*.sql is embedded into BetterData.Grains, which the API references.
COPY Grains.Abstractions/ Grains.Abstractions/
COPY Grains/ Grains/
COPY Api/ Api/
COPY deploy/sql/ deploy/sql/
RUN dotnet publish Api/BetterData.Api.csproj -c Release -o /app --no-restore -p:UseAppHost=false

# ---------------------------------------------------------------- runtime ----
# Chiseled Ubuntu: no shell, no package manager, no curl/wget; non-root user
# `app` (uid/gid 1654, $APP_UID). The repo sets InvariantGlobalization=true, so
# the ICU-less chiseled image is enough (use the -chiseled-extra tag if the
# code ever needs ICU cultures or tzdata time zones).
FROM ${RUNTIME_IMAGE} AS final
WORKDIR /app
# Files stay owned by root and read-only to the app user.
COPY --from=build /app ./

ENV ASPNETCORE_HTTP_PORTS=8080 \
    DOTNET_CLI_TELEMETRY_OPTOUT=1
EXPOSE 8080

# No HEALTHCHECK command: the chiseled image has no shell or HTTP client to run
# one, and Kubernetes ignores Docker HEALTHCHECK anyway. Health is checked by
# the pod's startup/readiness/liveness probes on /health/startup, /health/ready
# and /health/live (deploy/k8s). For `docker run`, poll
# http://localhost:8080/health/ready from the outside.
HEALTHCHECK NONE

USER $APP_UID
ENTRYPOINT ["dotnet", "BetterData.Api.dll"]
