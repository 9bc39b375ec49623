package remote

import (
	"context"
	"crypto/subtle"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"

	"github.com/tessera-array/tessera/cluster"
)

// The wire: gRPC with a codec of our own (no protoc). Every message is a
// frame: a small JSON header and an optional raw body (an encoded value),
//
//	uvarint(len(header)) header body
//
// The scheduler serves one bidirectional stream per worker
// (tessera.Scheduler/Connect); each worker serves tessera.Worker/Fetch,
// which returns the encoded value of a key it holds, to peers and to the
// scheduler.

type frame struct {
	H    header
	Body []byte
}

type header struct {
	Op        string          `json:"op"`
	Worker    string          `json:"worker,omitempty"`
	Addr      string          `json:"addr,omitempty"`
	Threads   int             `json:"threads,omitempty"`
	Memory    int64           `json:"memory,omitempty"`
	Key       cluster.Key     `json:"key,omitempty"`
	Task      json.RawMessage `json:"task,omitempty"`
	Where     []location      `json:"where,omitempty"`
	Nbytes    int64           `json:"nbytes,omitempty"`
	Err       string          `json:"err,omitempty"`
	Retryable bool            `json:"retryable,omitempty"`
	Keys      []cluster.Key   `json:"keys,omitempty"`
	Held      int64           `json:"held,omitempty"`
	Spilled   int64           `json:"spilled,omitempty"`
	Running   int             `json:"running,omitempty"`
	Nanos     int64           `json:"nanos,omitempty"`
	Timeout   int64           `json:"timeout,omitempty"` // welcome: the heartbeat timeout, ns
}

type location struct {
	Key  cluster.Key `json:"key"`
	Addr string      `json:"addr"`
	// Nbytes is the input's size (as reported when it was produced, else
	// as declared): the worker admits the task with the inputs it must
	// bring into memory.
	Nbytes int64 `json:"nbytes,omitempty"`
}

// Frame ops.
const (
	opRegister  = "register"  // worker → scheduler: hello
	opHeartbeat = "heartbeat" // both ways: I am alive (worker → scheduler with Held, Spilled)
	opDone      = "done"      // worker → scheduler: Key computed (or copied), Nbytes
	opFailed    = "failed"    // worker → scheduler: Key failed, Err, Retryable
	opDrainMe   = "drain-me"  // worker → scheduler: walltime is near
	opRun       = "run"       // scheduler → worker: Task, Where of inputs
	opCopy      = "copy"      // scheduler → worker: fetch Key from Addr and hold it
	opRelease   = "release"   // scheduler → worker: forget Keys
	opCancel    = "cancel"    // scheduler → worker: cancel running Keys
	opStop      = "stop"      // scheduler → worker: exit
	opPeerLost  = "peer-lost" // scheduler → worker: the worker at Addr is lost; stop fetching from it
	opFetch     = "fetch"     // Fetch request
)

const codecName = "tessera-frame"

type frameCodec struct{}

func (frameCodec) Name() string { return codecName }

func (frameCodec) Marshal(v any) ([]byte, error) {
	f, ok := v.(*frame)
	if !ok {
		return nil, fmt.Errorf("remote: codec cannot marshal %T", v)
	}
	h, err := json.Marshal(&f.H)
	if err != nil {
		return nil, err
	}
	out := make([]byte, 0, binary.MaxVarintLen64+len(h)+len(f.Body))
	out = binary.AppendUvarint(out, uint64(len(h)))
	out = append(out, h...)
	return append(out, f.Body...), nil
}

func (frameCodec) Unmarshal(b []byte, v any) error {
	f, ok := v.(*frame)
	if !ok {
		return fmt.Errorf("remote: codec cannot unmarshal into %T", v)
	}
	n, w := binary.Uvarint(b)
	if w <= 0 || n > uint64(len(b)-w) {
		return errors.New("remote: bad frame header")
	}
	if err := json.Unmarshal(b[w:w+int(n)], &f.H); err != nil {
		return fmt.Errorf("remote: frame header: %w", err)
	}
	// gRPC does not reuse b after Unmarshal returns, so the body may alias it.
	f.Body = b[w+int(n):]
	return nil
}

// Service descriptions, written by hand in place of protoc output.

type schedulerServer interface {
	connect(stream grpc.ServerStream) error
}

var schedulerDesc = grpc.ServiceDesc{
	ServiceName: "tessera.Scheduler",
	HandlerType: (*schedulerServer)(nil),
	Streams: []grpc.StreamDesc{{
		StreamName:    "Connect",
		ServerStreams: true,
		ClientStreams: true,
		Handler: func(srv any, stream grpc.ServerStream) error {
			return srv.(schedulerServer).connect(stream)
		},
	}},
}

type workerServer interface {
	fetch(ctx context.Context, req *frame) (*frame, error)
}

var workerDesc = grpc.ServiceDesc{
	ServiceName: "tessera.Worker",
	HandlerType: (*workerServer)(nil),
	Methods: []grpc.MethodDesc{{
		MethodName: "Fetch",
		Handler: func(srv any, ctx context.Context, dec func(any) error, ic grpc.UnaryServerInterceptor) (any, error) {
			req := new(frame)
			if err := dec(req); err != nil {
				return nil, err
			}
			h := func(ctx context.Context, r any) (any, error) { return srv.(workerServer).fetch(ctx, r.(*frame)) }
			if ic == nil {
				return h(ctx, req)
			}
			return ic(ctx, req, &grpc.UnaryServerInfo{Server: srv, FullMethod: "/tessera.Worker/Fetch"}, h)
		},
	}},
}

const tokenHeader = "tessera-token"

// checkToken compares the caller's token with want in constant time.
func checkToken(ctx context.Context, want string) error {
	md, _ := metadata.FromIncomingContext(ctx)
	got := md.Get(tokenHeader)
	if len(got) != 1 || subtle.ConstantTimeCompare([]byte(got[0]), []byte(want)) != 1 {
		return status.Error(codes.Unauthenticated, "tessera: bad or missing cluster token")
	}
	return nil
}

func serverOptions(c *Credentials) ([]grpc.ServerOption, error) {
	tc, err := c.serverTLS()
	if err != nil {
		return nil, err
	}
	return []grpc.ServerOption{
		grpc.Creds(tc),
		grpc.ForceServerCodec(frameCodec{}),
		grpc.MaxRecvMsgSize(maxMsg), grpc.MaxSendMsgSize(maxMsg),
		grpc.UnaryInterceptor(func(ctx context.Context, req any, info *grpc.UnaryServerInfo, h grpc.UnaryHandler) (any, error) {
			if err := checkToken(ctx, c.Token); err != nil {
				return nil, err
			}
			return h(ctx, req)
		}),
		grpc.StreamInterceptor(func(srv any, ss grpc.ServerStream, info *grpc.StreamServerInfo, h grpc.StreamHandler) error {
			if err := checkToken(ss.Context(), c.Token); err != nil {
				return err
			}
			return h(srv, ss)
		}),
	}, nil
}

// maxMsg bounds one message: a block plus its header.
const maxMsg = 4<<30 + 1<<20 - 1

type tokenCreds string

func (t tokenCreds) GetRequestMetadata(context.Context, ...string) (map[string]string, error) {
	return map[string]string{tokenHeader: string(t)}, nil
}
func (tokenCreds) RequireTransportSecurity() bool { return true }

func dial(addr string, c *Credentials) (*grpc.ClientConn, error) {
	tc, err := c.clientTLS()
	if err != nil {
		return nil, err
	}
	return grpc.NewClient(addr,
		grpc.WithTransportCredentials(tc),
		grpc.WithPerRPCCredentials(tokenCreds(c.Token)),
		grpc.WithDefaultCallOptions(grpc.ForceCodec(frameCodec{}), grpc.MaxCallRecvMsgSize(maxMsg), grpc.MaxCallSendMsgSize(maxMsg)),
	)
}
