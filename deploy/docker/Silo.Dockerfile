# BetterData silo image: ASP.NET Core host running an Orleans silo (HTTP 8080,
# silo-to-silo 11111, client gateway 30000).
#
#   docker build -f deploy/docker/Silo.Dockerfile -t betterdata/silo:dev .
#
# Build context = repository root. BuildKit reads the ignore file beside this
# Dockerfile (Silo.Dockerfile.dockerignore); see deploy/docker/README.md.
#
# Pins: SDK 10.0.401 is the repo's SDK; ASP.NET Core runtime 10.0.12 is the
# runtime that SDK ships with. Bump both together. For reproducible production
# builds, append the digest (`...:10.0.12-noble-chiseled@sha256:<digest>`).

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
COPY Silo/BetterData.Silo.csproj Silo/
RUN dotnet restore Silo/BetterData.Silo.csproj

# ---------------------------------------------------------------- publish ----
# deploy/sql/*.sql is embedded into BetterData.Grains (the schema the host and
# the schema Job apply), so it is part of the build input.
COPY Grains.Abstractions/ Grains.Abstractions/
COPY Grains/ Grains/
COPY Silo/ Silo/
COPY deploy/sql/ deploy/sql/
RUN dotnet publish Silo/BetterData.Silo.csproj -c Release -o /app --no-restore -p:UseAppHost=false

# ---------------------------------------------------------------- runtime ----
# Chiseled Ubuntu: no shell, no package manager, no curl/wget; non-root user
# `app` (uid/gid 1654, $APP_UID). The repo sets InvariantGlobalization=true, so
# the ICU-less chiseled image is enough (use the -chiseled-extra tag if the
# code ever needs ICU cultures or tzdata time zones).
FROM ${RUNTIME_IMAGE} AS final
WORKDIR /app
# Files stay owned by root and read-only to the app user: the process cannot
# rewrite its own binaries. The pods also run with readOnlyRootFilesystem.
COPY --from=build /app ./

ENV ASPNETCORE_HTTP_PORTS=8080 \
    DOTNET_CLI_TELEMETRY_OPTOUT=1
EXPOSE 8080 11111 30000

# No HEALTHCHECK command: the chiseled image has no shell or HTTP client to run
# one, and Kubernetes ignores Docker HEALTHCHECK anyway. Health is checked by
# the pod's startup/readiness/liveness probes on /health/startup, /health/ready
# and /health/live (deploy/k8s). For `docker run`, poll
# http://localhost:8080/health/ready from the outside.
HEALTHCHECK NONE

USER $APP_UID
# `--apply-schema-and-exit` as an argument turns this image into the schema
# Job (deploy/k8s/base/schema-job.yaml).
ENTRYPOINT ["dotnet", "BetterData.Silo.dll"]
