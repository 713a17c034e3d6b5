# The platform's image: one Node.js CLI whose sub-command (api, gateway, consumer, ...) picks the service to run.

# Build stage: all dependencies (TypeScript is a dev dependency), compile src/ to dist/, then drop dev dependencies.
FROM node:20-slim AS build
# Only used when better-sqlite3 has no prebuilt binary for this platform and must compile from source.
RUN apt-get update \
  && apt-get install -y --no-install-recommends python3 make g++ \
  && rm -rf /var/lib/apt/lists/*
WORKDIR /app
# Manifests first: the dependency layer is rebuilt only when they change, not on every source edit.
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build && npm prune --omit=dev

# Runtime stage: compiled code and production dependencies only, run as the unprivileged `node` user.
FROM node:20-slim
WORKDIR /app
ENV HOST=0.0.0.0
# The heap bounded as `npm start` bounds it (src/dev/service-process.ts): unbounded, V8 sizes it from the
# host's memory and lets garbage grow to several hundred MB under load before collecting it.
ENV NODE_OPTIONS=--max-old-space-size=160
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
# The dashboard's page is bundled from its sources when first asked for (src/dashboard/assets.ts).
COPY --from=build /app/src/dashboard/page ./dist/dashboard/page
# The default SQLite database (DATABASE_URL=sqlite:data/betting.sqlite) is written here.
RUN mkdir -p data && chown node:node data
USER node
ENTRYPOINT ["node", "dist/cli/main.js"]
CMD ["--help"]
