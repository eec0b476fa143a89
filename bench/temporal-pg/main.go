// temporal-pg: a single-process Temporal server (frontend, history, matching, worker) whose
// persistence and visibility are PostgreSQL (the server's `postgres12` SQL plugin), for the
// bench (`node bench/run-bench.mjs --temporal=postgres`). Modelled on the Temporal CLI's dev
// server (temporalcli/devserver in github.com/temporalio/cli v1.5.1), with its SQLite store
// swapped for PostgreSQL:
//
//   - creates the two databases if missing and brings their schemas to the version embedded in
//     go.temporal.io/server (the same setup-schema 0.0 + update-schema steps as
//     temporal-sql-tool, through the server's own tools/sql package);
//   - creates the namespace with its custom search attributes before the server starts (the
//     dev server's way), so they are usable at once;
//   - listens on 127.0.0.1 only: the frontend on --port, the other services on free ports;
//   - prints "temporal-pg ready <address>" on stdout once the server has started; SIGTERM or
//     SIGINT stops it;
//   - optionally secured as production clusters are (the engine's TLS and API-key tests): the
//     frontend over TLS (--tls-cert/--tls-key), requiring client certificates signed by
//     --tls-client-ca (mTLS), and/or requiring `authorization: Bearer <JWT>` checked against a
//     JWKS (--auth-jwks-url: the server's default JWT claim mapper and authorizer). The server's
//     own system worker then reaches the history through an internal frontend, unsecured on
//     loopback, as Temporal's docs describe for clusters with authorization.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"net"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/server/common/authorization"
	"go.temporal.io/server/common/cluster"
	"go.temporal.io/server/common/config"
	"go.temporal.io/server/common/dynamicconfig"
	"go.temporal.io/server/common/log"
	"go.temporal.io/server/common/membership/static"
	"go.temporal.io/server/common/metrics"
	"go.temporal.io/server/common/persistence/sql/sqlplugin/postgresql"
	"go.temporal.io/server/common/primitives"
	sqliteschema "go.temporal.io/server/schema/sqlite"
	"go.temporal.io/server/temporal"
	"go.temporal.io/server/tools/common/schema"
	sqltool "go.temporal.io/server/tools/sql"
)

type multiFlag []string

func (m *multiFlag) String() string     { return strings.Join(*m, ",") }
func (m *multiFlag) Set(v string) error { *m = append(*m, v); return nil }

func main() {
	if err := run(); err != nil {
		fmt.Fprintf(os.Stderr, "temporal-pg: %v\n", err)
		os.Exit(1)
	}
}

func run() error {
	var (
		ip           = flag.String("ip", "127.0.0.1", "address the services listen on")
		port         = flag.Int("port", 7233, "frontend gRPC port")
		pgHost       = flag.String("pg-host", "127.0.0.1", "PostgreSQL host")
		pgPort       = flag.Int("pg-port", 5432, "PostgreSQL port")
		pgUser       = flag.String("pg-user", "postgres", "PostgreSQL user")
		pgPassword   = flag.String("pg-password", os.Getenv("PGPASSWORD"), "PostgreSQL password (default $PGPASSWORD)")
		adminDB      = flag.String("pg-admin-db", "postgres", "database to connect to when creating or dropping the others")
		db           = flag.String("db", "temporal_bench", "database for Temporal's persistence")
		visibilityDB = flag.String("visibility-db", "temporal_bench_visibility", "database for Temporal's visibility")
		fresh        = flag.Bool("fresh", false, "drop both databases first")
		shards       = flag.Int("shards", 4, "number of history shards (fixed once the database exists)")
		maxConns     = flag.Int("max-conns", 20, "connection pool size for persistence (visibility gets a quarter, at least 2)")
		namespace    = flag.String("namespace", "default", "namespace to create")
		logLevel     = flag.String("log-level", "warn", "debug, info, warn or error")
		pprofPort    = flag.Int("pprof-port", 0, "pprof HTTP port on --ip (0: off)")
		metricsPort  = flag.Int("metrics-port", 0, "Prometheus metrics port on --ip (0: off)")
		setupOnly    = flag.Bool("setup-only", false, "create and migrate the databases, create the namespace, then exit")
		tlsCert      = flag.String("tls-cert", "", "PEM certificate the frontend serves TLS with (with --tls-key)")
		tlsKey       = flag.String("tls-key", "", "PEM private key of --tls-cert")
		tlsClientCA  = flag.String("tls-client-ca", "", "PEM CA whose client certificates the frontend requires (mTLS)")
		tlsRefresh   = flag.Duration("tls-refresh", 0, "reread the frontend's certificate files this often (0: never)")
		jwksURL      = flag.String("auth-jwks-url", "", "require authorization: Bearer <JWT> signed by a key of this JWKS (default JWT claim mapper and authorizer)")
		searchAttrs  multiFlag
		dynamic      multiFlag
	)
	flag.Var(&searchAttrs, "search-attribute", "custom search attribute NAME=TYPE (Keyword, KeywordList, Text, Int, Double, Bool, Datetime); repeatable")
	flag.Var(&dynamic, "dynamic-config-value", "dynamic config KEY=JSON_VALUE; repeatable")
	flag.Parse()

	logger := log.NewZapLogger(log.BuildZapLogger(log.Config{Level: *logLevel, Format: "json"}))

	sqlConfig := func(database string, conns int) *config.SQL {
		return &config.SQL{
			PluginName:      postgresql.PluginName,
			DatabaseName:    database,
			ConnectAddr:     net.JoinHostPort(*pgHost, fmt.Sprint(*pgPort)),
			ConnectProtocol: "tcp",
			User:            *pgUser,
			Password:        *pgPassword,
			MaxConns:        conns,
			MaxIdleConns:    conns,
			MaxConnLifetime: time.Hour,
		}
	}
	persistenceSQL := sqlConfig(*db, *maxConns)
	visibilitySQL := sqlConfig(*visibilityDB, max(2, *maxConns/4))

	started := time.Now()
	if *fresh {
		for _, cfg := range []*config.SQL{persistenceSQL, visibilitySQL} {
			copy := *cfg
			if err := sqltool.DoDropDatabase(&copy, *adminDB, logger); err != nil && !strings.Contains(err.Error(), "does not exist") {
				return fmt.Errorf("dropping %s: %w", cfg.DatabaseName, err)
			}
		}
	}
	if err := setupDatabase(persistenceSQL, *adminDB, "postgresql/v12/temporal", logger); err != nil {
		return err
	}
	if err := setupDatabase(visibilitySQL, *adminDB, "postgresql/v12/visibility", logger); err != nil {
		return err
	}

	attrs := map[string]enumspb.IndexedValueType{}
	for _, item := range searchAttrs {
		name, kind, ok := strings.Cut(item, "=")
		value, known := enumspb.IndexedValueType_shorthandValue[kind]
		if !ok || !known {
			return fmt.Errorf("--search-attribute %q: want NAME=TYPE with TYPE Keyword, KeywordList, Text, Int, Double, Bool or Datetime", item)
		}
		attrs[name] = enumspb.IndexedValueType(value)
	}
	const clusterName = "active"
	nsConfig, err := sqliteschema.NewNamespaceConfig(clusterName, *namespace, false, attrs)
	if err != nil {
		return fmt.Errorf("namespace %s: %w", *namespace, err)
	}
	// CreateNamespaces writes through the generic SQL plugin interface; only its name says SQLite.
	if err := sqliteschema.CreateNamespaces(persistenceSQL, nsConfig); err != nil {
		return fmt.Errorf("creating namespace %s: %w", *namespace, err)
	}
	fmt.Fprintf(os.Stderr, "temporal-pg: databases %s and %s ready in %s\n", *db, *visibilityDB, time.Since(started).Round(time.Millisecond))
	if *setupOnly {
		return nil
	}

	dynConf := dynamicconfig.StaticClient{
		// As the CLI's dev server sets them, so the two servers differ only in their store.
		dynamicconfig.HistoryCacheHostLevelMaxSize.Key():                 8096,
		dynamicconfig.FrontendMaxNamespaceVisibilityRPSPerInstance.Key(): 100,
		dynamicconfig.Key("frontend.persistenceMaxQPS"):                  10000,
		dynamicconfig.Key("history.persistenceMaxQPS"):                   45000,
	}
	for _, item := range dynamic {
		key, raw, ok := strings.Cut(item, "=")
		var value any
		if !ok || json.Unmarshal([]byte(raw), &value) != nil {
			return fmt.Errorf("--dynamic-config-value %q: want KEY=JSON_VALUE", item)
		}
		if number, isNumber := value.(float64); isNumber && number == float64(int(number)) {
			value = int(number) // dynamic config wants int, not float64, for integer settings
		}
		dynConf[dynamicconfig.Key(key)] = value
	}

	conf, err := serverConfig(*ip, *port, *shards, persistenceSQL, visibilitySQL, *pprofPort, *metricsPort, clusterName)
	if err != nil {
		return err
	}
	if err := secure(conf, *ip, *tlsCert, *tlsKey, *tlsClientCA, *tlsRefresh, *jwksURL); err != nil {
		return err
	}
	authorizer, err := authorization.GetAuthorizerFromConfig(&conf.Global.Authorization)
	if err != nil {
		return err
	}
	claimMapper, err := authorization.GetClaimMapperFromConfig(&conf.Global.Authorization, logger)
	if err != nil {
		return err
	}
	hosts := map[primitives.ServiceName]static.Hosts{}
	services := []string{}
	for _, service := range temporal.Services {
		if _, on := conf.Services[service]; on {
			name := primitives.ServiceName(service)
			hosts[name] = static.SingleLocalHost(net.JoinHostPort(*ip, fmt.Sprint(conf.Services[service].RPC.GRPCPort)))
			services = append(services, service)
		}
	}
	server, err := temporal.NewServer(
		temporal.WithConfig(conf),
		temporal.ForServices(services),
		temporal.WithStaticHosts(hosts),
		temporal.WithLogger(logger),
		temporal.WithAuthorizer(authorizer),
		temporal.WithClaimMapper(func(*config.Config) authorization.ClaimMapper { return claimMapper }),
		temporal.WithDynamicConfigClient(dynConf),
	)
	if err != nil {
		return fmt.Errorf("building the server: %w", err)
	}
	if err := server.Start(); err != nil {
		return fmt.Errorf("starting the server: %w", err)
	}
	fmt.Printf("temporal-pg ready %s\n", net.JoinHostPort(*ip, fmt.Sprint(*port)))

	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, syscall.SIGINT)
	defer stop()
	<-ctx.Done()
	server.Stop()
	return nil
}

// setupDatabase: CREATE DATABASE if missing, then setup-schema -v 0.0 on an empty database and
// update-schema to the newest embedded version (a no-op when already current).
func setupDatabase(cfg *config.SQL, adminDB, schemaName string, logger log.Logger) error {
	copy := *cfg
	if err := sqltool.DoCreateDatabase(&copy, adminDB, logger); err != nil && !strings.Contains(err.Error(), "already exists") {
		return fmt.Errorf("creating database %s: %w", cfg.DatabaseName, err)
	}
	conn, err := sqltool.NewConnection(cfg, logger)
	if err != nil {
		return fmt.Errorf("connecting to %s: %w", cfg.DatabaseName, err)
	}
	defer conn.Close()
	if _, err := conn.ReadSchemaVersion(); err != nil {
		setup := &schema.SetupConfig{InitialVersion: "0.0"}
		if err := schema.NewSetupSchemaTask(conn, setup, logger).Run(); err != nil {
			return fmt.Errorf("setup-schema on %s: %w", cfg.DatabaseName, err)
		}
	}
	if err := schema.NewUpdateSchemaTask(conn, &schema.UpdateConfig{DBName: cfg.DatabaseName, SchemaName: schemaName}, logger).Run(); err != nil {
		return fmt.Errorf("update-schema on %s: %w", cfg.DatabaseName, err)
	}
	return nil
}

func serverConfig(ip string, port, shards int, persistenceSQL, visibilitySQL *config.SQL, pprofPort, metricsPort int, clusterName string) (*config.Config, error) {
	var conf config.Config
	conf.Global.Membership.MaxJoinDuration = 30 * time.Second
	conf.Global.Membership.BroadcastAddress = ip
	conf.Global.PProf.Port = pprofPort
	conf.Global.PProf.Host = ip
	if metricsPort > 0 {
		conf.Global.Metrics = &metrics.Config{Prometheus: &metrics.PrometheusConfig{
			ListenAddress: net.JoinHostPort(ip, fmt.Sprint(metricsPort)),
			HandlerPath:   "/metrics",
		}}
	}
	conf.Persistence.DefaultStore = "postgres-default"
	conf.Persistence.VisibilityStore = "postgres-visibility"
	conf.Persistence.NumHistoryShards = int32(shards)
	conf.Persistence.DataStores = map[string]config.DataStore{
		"postgres-default":    {SQL: persistenceSQL},
		"postgres-visibility": {SQL: visibilitySQL},
	}

	httpPort, err := freePort(ip)
	if err != nil {
		return nil, err
	}
	conf.ClusterMetadata = &cluster.Config{
		EnableGlobalNamespace:    false,
		FailoverVersionIncrement: 10,
		MasterClusterName:        clusterName,
		CurrentClusterName:       clusterName,
		ClusterInformation: map[string]cluster.ClusterInformation{
			clusterName: {
				Enabled:                true,
				InitialFailoverVersion: 1,
				RPCAddress:             net.JoinHostPort(ip, fmt.Sprint(port)),
				HTTPAddress:            net.JoinHostPort(ip, fmt.Sprint(httpPort)),
			},
		},
	}
	conf.DCRedirectionPolicy.Policy = "noop"
	conf.Services = map[string]config.Service{}
	for _, name := range []string{"frontend", "history", "matching", "worker"} {
		var service config.Service
		service.RPC.BindOnIP = ip
		if name == "frontend" {
			service.RPC.GRPCPort = port
			service.RPC.HTTPPort = httpPort
		} else if service.RPC.GRPCPort, err = freePort(ip); err != nil {
			return nil, err
		}
		conf.Services[name] = service
	}
	conf.Archival.History.State = "disabled"
	conf.Archival.Visibility.State = "disabled"
	conf.NamespaceDefaults.Archival.History.State = "disabled"
	conf.NamespaceDefaults.Archival.Visibility.State = "disabled"
	conf.PublicClient.HostPort = net.JoinHostPort(ip, fmt.Sprint(port))
	return &conf, nil
}

// secure adds frontend TLS (and client-certificate checks) and JWT authorization to conf. Either
// one moves the system worker to an internal frontend on loopback, which skips both: its calls
// carry no certificate and no token.
func secure(conf *config.Config, ip, certFile, keyFile, clientCA string, refresh time.Duration, jwksURL string) error {
	if (certFile == "") != (keyFile == "") {
		return fmt.Errorf("--tls-cert and --tls-key go together")
	}
	if clientCA != "" && certFile == "" {
		return fmt.Errorf("--tls-client-ca needs --tls-cert and --tls-key")
	}
	if certFile == "" && jwksURL == "" {
		return nil
	}
	if certFile != "" {
		conf.Global.TLS.Frontend.Server = config.ServerTLS{CertFile: certFile, KeyFile: keyFile}
		if clientCA != "" {
			conf.Global.TLS.Frontend.Server.ClientCAFiles = []string{clientCA}
			conf.Global.TLS.Frontend.Server.RequireClientAuth = true
		}
		conf.Global.TLS.RefreshInterval = refresh
	}
	if jwksURL != "" {
		conf.Global.Authorization = config.Authorization{
			Authorizer:     "default",
			ClaimMapper:    "default",
			JWTKeyProvider: config.JWTKeyProvider{KeySourceURIs: []string{jwksURL}, RefreshInterval: time.Minute},
		}
	}
	var internal config.Service
	internal.RPC.BindOnIP = ip
	port, err := freePort(ip)
	if err != nil {
		return err
	}
	internal.RPC.GRPCPort = port
	if internal.RPC.HTTPPort, err = freePort(ip); err != nil {
		return err
	}
	conf.Services[string(primitives.InternalFrontendService)] = internal
	conf.PublicClient.HostPort = ""
	return nil
}

func freePort(ip string) (int, error) {
	listener, err := net.Listen("tcp", net.JoinHostPort(ip, "0"))
	if err != nil {
		return 0, err
	}
	defer listener.Close()
	return listener.Addr().(*net.TCPAddr).Port, nil
}
