# syntax=docker/dockerfile:1
# Build stage: compile TypeScript with the dev dependencies.
FROM node:20.20.2-bookworm-slim AS build
WORKDIR /build
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build

# Run stage: production dependencies only, non-root user, the connector as entrypoint.
FROM node:20.20.2-bookworm-slim
ENV NODE_ENV=production
WORKDIR /airbyte/integration_code
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY --from=build /build/dist ./dist
COPY spec.json ./
COPY schemas ./schemas
RUN groupadd --gid 1001 airbyte && useradd --uid 1000 --gid airbyte --create-home airbyte \
  && mkdir -p /airbyte && chown -R airbyte:airbyte /airbyte
USER airbyte
ENV AIRBYTE_ENTRYPOINT="node /airbyte/integration_code/dist/main.js"
ENTRYPOINT ["node", "/airbyte/integration_code/dist/main.js"]
LABEL io.airbyte.name="airbyte/source-powerbi"
LABEL io.airbyte.version="0.1.0"
