# syntax=docker/dockerfile:1
# Multi-stage: build with the full toolchain, ship only the compiled code (the CLI is one bundled file).

FROM node:22-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json ./
COPY src ./src
COPY scripts ./scripts
# tsc emits dist/, then esbuild bundles the CLI and every dependency into dist/scim-sync.js.
RUN npm run build

FROM node:22-bookworm-slim AS runtime
# tini is PID 1, so SIGTERM from `docker stop` reaches Node and the daemon can finish its run.
RUN apt-get update && apt-get install -y --no-install-recommends tini && rm -rf /var/lib/apt/lists/*
ENV NODE_ENV=production
WORKDIR /app
# No node_modules: the CLI (dist/scim-sync.js) carries its dependencies, and the demo profile's
# emulator (dist/emulator/main.js) uses only Node's own modules. package.json says "type": "module".
COPY --from=build /app/dist ./dist
COPY package.json ./
COPY config/scim-sync.example.yaml ./config/
# Reports and state live in volumes owned by the unprivileged user.
RUN mkdir -p /data/reports /data/state && chown -R node:node /data
USER node
# In a container the endpoint must listen beyond loopback for the healthcheck and Prometheus;
# publish the port only where you mean to (see docker-compose.yml).
ENV SCIM_SYNC_HTTP_HOST=0.0.0.0 SCIM_SYNC_HTTP_PORT=9464 \
    SCIM_SYNC_REPORT_DIR=/data/reports SCIM_SYNC_STATE_DIR=/data/state
EXPOSE 9464
HEALTHCHECK --interval=30s --timeout=3s --start-period=10s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:9464/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
ENTRYPOINT ["/usr/bin/tini", "--", "node", "/app/dist/scim-sync.js"]
CMD ["daemon", "--config", "/config/scim-sync.yaml"]
