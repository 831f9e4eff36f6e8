# Multi-stage build: compile in the Go image, run from a small distroless
# image as a non-root user. The binary embeds the migrations, templates and
# static assets, so it is the only file the runtime image needs.
FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/casework ./cmd/casework

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/casework /casework
# The binary embeds the time zone database (time/tzdata), so the agency's
# zone resolves without zoneinfo files.
USER nonroot:nonroot
EXPOSE 8080
ENV LISTEN_ADDR=:8080
ENTRYPOINT ["/casework"]
CMD ["serve"]
