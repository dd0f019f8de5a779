# The capstan controller image: Node 24 slim, helm 3, helm 4 and kubectl, production dependencies only,
# running as a non-root user on a read-only root filesystem (the chart mounts /cache and /tmp).
# Build from the repository root:  docker build -t ghcr.io/capstan-dev/capstan:0.1.0 .
# The helm versions follow tools/versions.env (the ones the test suite runs); kubectl is the one the
# test suite's toolchain takes from HELM4_LAYER_PACKAGE (`kubectl version --client`): Kustomizations
# build with the kustomize it embeds (`kubectl kustomize`, the controller's --kubectl-binary).
ARG NODE_VERSION=24
FROM node:${NODE_VERSION}-slim AS build
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npx tsc -p tsconfig.build.json

FROM node:${NODE_VERSION}-slim AS helm
ARG HELM3_VERSION=3.17.3
ARG HELM4_VERSION=4.1.4
ARG KUBECTL_VERSION=1.34.5
ARG TARGETARCH=amd64
RUN apt-get update && apt-get install -y --no-install-recommends ca-certificates curl && rm -rf /var/lib/apt/lists/*
RUN for v in ${HELM3_VERSION} ${HELM4_VERSION}; do \
      curl -fsSL "https://get.helm.sh/helm-v${v}-linux-${TARGETARCH}.tar.gz" | tar -xz -C /tmp && \
      mv "/tmp/linux-${TARGETARCH}/helm" "/usr/local/bin/helm${v%%.*}"; \
    done
RUN curl -fsSL -o /usr/local/bin/kubectl "https://dl.k8s.io/release/v${KUBECTL_VERSION}/bin/linux/${TARGETARCH}/kubectl" && \
    chmod +x /usr/local/bin/kubectl

FROM node:${NODE_VERSION}-slim
ENV NODE_ENV=production
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY --from=build /src/dist ./dist
COPY crds ./crds
COPY --from=helm /usr/local/bin/helm3 /usr/local/bin/helm4 /usr/local/bin/kubectl /usr/local/bin/
# git and openssh-client (ssh:// URLs) are needed by GitRepository sources; ca-certificates by every
# HTTPS source. ssh refuses to run as a uid without a passwd entry, so the image's user gets one.
RUN apt-get update && apt-get install -y --no-install-recommends ca-certificates git openssh-client && rm -rf /var/lib/apt/lists/* \
 && ln -s /usr/local/bin/helm4 /usr/local/bin/helm \
 && groupadd --gid 65532 capstan && useradd --uid 65532 --gid 65532 --home-dir /tmp --no-create-home --shell /usr/sbin/nologin capstan
USER 65532:65532
ENTRYPOINT ["node", "/app/dist/cli/main.js"]
CMD ["controller"]
