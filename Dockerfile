# Hermes Control Plane: production image (three listeners: admin 7843, pre-Hermes 8645, post-Hermes 8646).
#   docker build --build-arg GIT_COMMIT="$(git rev-parse HEAD)" -t hermes-control-plane .
# docker-compose.yml builds it the same way; test/deploy/ checks this file statically and replays its runtime stage
# (with the prod-deps stage it copies node_modules from).

# One pinned base for every stage; override with --build-arg NODE_IMAGE=... to move to a newer Node 20 patch.
ARG NODE_IMAGE=node:20.20-bookworm-slim

# --- toolchain: what compiling native modules needs. better-sqlite3 (Hermes' state.db and kanban.db) tries a prebuilt
# binary from GitHub first and builds from source with node-gyp when it cannot fetch one; the runtime has no compiler.
FROM ${NODE_IMAGE} AS toolchain
RUN apt-get update \
  && apt-get install -y --no-install-recommends python3 make g++ \
  && rm -rf /var/lib/apt/lists/*

# --- build: compile TypeScript (src/, migrations/) and the console (admin-ui/) into dist/ with the dev dependencies --
FROM toolchain AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
# tsc → dist/src, dist/migrations; Vite → dist/admin-ui (the console's index.html and hashed assets).
RUN npm run build

# --- prod-deps: production dependencies only, native ones compiled here ---------------------------------------------
FROM toolchain AS prod-deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

# --- runtime: production dependencies only, no compiler ---------------------------------------------------------
FROM ${NODE_IMAGE} AS runtime
# tini as PID 1 forwards SIGTERM to node (main.ts drains requests and the audit queue on it) and reaps zombies.
# The image's uid/gid 1000 user becomes "hermes" with home /home/hermes, where the Hermes state is bind-mounted.
RUN apt-get update \
  && apt-get install -y --no-install-recommends tini \
  && rm -rf /var/lib/apt/lists/* \
  && usermod --login hermes --home /home/hermes --move-home node \
  && groupmod --new-name hermes node \
  && mkdir -p /data /home/hermes/.hermes /home/hermes/.codex /home/hermes/.claude /home/hermes/.gemini \
  && chown -R hermes:hermes /data /home/hermes
# HOME is set explicitly so it stays /home/hermes when compose runs the container as 0:0 (HERMES_CONTAINER_USER).
ENV NODE_ENV=production \
  HOME=/home/hermes \
  HERMES_BIND_HOST=0.0.0.0 \
  HERMES_ADMIN_PORT=7843 \
  HERMES_PRE_AI_API_PORT=8645 \
  HERMES_POST_AI_API_PORT=8646 \
  HERMES_DATA_DIR=/data
WORKDIR /app
COPY package.json package-lock.json ./
COPY --from=prod-deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
# Last, so a new commit does not invalidate the dependency layers above.
ARG GIT_COMMIT=unknown
ENV HERMES_GIT_COMMIT=${GIT_COMMIT}
# /data holds the audit spool (and the embedded database when DATABASE_URL is unset): keep it on a volume.
VOLUME ["/data"]
USER hermes
EXPOSE 7843 8645 8646
# Ready means all three listeners answer /readyz (database reachable and migrated). Node 20 has fetch: no curl needed.
HEALTHCHECK --interval=15s --timeout=5s --start-period=60s --retries=3 \
  CMD ["node", "-e", "const e = process.env; const ports = [e.HERMES_ADMIN_PORT || 7843, e.HERMES_PRE_AI_API_PORT || 8645, e.HERMES_POST_AI_API_PORT || 8646]; Promise.all(ports.map((p) => fetch('http://127.0.0.1:' + p + '/readyz', { signal: AbortSignal.timeout(4000) }).then((r) => { if (r.status !== 200) throw new Error('port ' + p + ': ' + r.status); }))).then(() => process.exit(0), (err) => { console.error(String(err)); process.exit(1); });"]
STOPSIGNAL SIGTERM
ENTRYPOINT ["/usr/bin/tini", "--"]
CMD ["node", "dist/src/main.js"]
