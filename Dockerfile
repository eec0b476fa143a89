# The outbox engine image: `outbox start` by default; `outbox migrate` for the schema.
# Build stage: the engine (tsc), its prebuilt workflow bundle and the web console (Vite).
FROM node:20.19-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY client ./client
COPY console-app ./console-app
RUN npm run build && npm prune --omit=dev

# Runtime stage: production dependencies, the build, the CLI and the migrations; runs as `node`.
FROM node:20.19-bookworm-slim
ENV NODE_ENV=production OUTBOX_HTTP_HOST=0.0.0.0
WORKDIR /app
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
COPY bin ./bin
COPY migrations ./migrations
USER node
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=3s CMD ["node", "-e", "fetch('http://127.0.0.1:8080/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
ENTRYPOINT ["node", "bin/outbox.js"]
CMD ["start"]
