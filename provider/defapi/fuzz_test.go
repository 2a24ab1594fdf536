package defapi

import (
	"errors"
	"testing"

	"github.com/pixform/pixform/provider"
)

func FuzzDecodeQuery(f *testing.F) {
	for _, seed := range []string{
		`{"code":0,"message":"ok","data":{"result":[{"image":"https://x/1.png"}],"status":"success","task_id":"ta5c9705-b8ae-4cb9-aa6f-97c4fee88c8d","consumed":"0.500000","status_reason":{"message":null},"created_at":"2025-08-29T01:55:13Z"}}`,
		`{"code":0,"data":{"result":{"image":"data:image/png;base64,iVBORw0KGgo="},"status":"success","task_id":"t","consumed":0.5,"created_at":1756432513}}`,
		`{"code":0,"data":{"result":[{"text":"I cannot draw that"}],"status":"success","task_id":"t"}}`,
		`{"code":0,"data":{"result":null,"status":"failed","task_id":"t","status_reason":{"message":"policy"}}}`,
		`{"code":0,"data":{"status":"pending","task_id":"t","result":[]}}`,
		`{"code":401,"message":"Invalid API key"}`,
		`{"code":1,"message":"task not found"}`,
		`{"code":"0","data":{"status":7,"task_id":[],"consumed":{},"status_reason":[null],"created_at":-1e308,"result":"x"}}`,
		`{"code":0,"data":{"result":[1,"a",null,{"image":null,"text":{"a":1}}],"created_at":"9999999999999999999999"}}`,
		`{"code":1e400,"data":null}`,
		`{"code":0,"data":{"task_id":"\ud800","status":"\u0000"}}`,
		`{"code":0,"data":{"created_at":"1e15","consumed":"-Inf"}}`,
		`{"code":0,"data":`,
		`null`,
		`[]`,
		``,
		"\xff\xfe",
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		task, err := DecodeQuery(body)
		if err != nil {
			var pe *provider.Error
			if !errors.Is(err, errMalformed) && !errors.As(err, &pe) {
				t.Errorf("error %v is neither malformed nor a *provider.Error", err)
			}
			return
		}
		if task.Consumed < 0 || task.Consumed != task.Consumed {
			t.Errorf("consumed = %v", task.Consumed)
		}
		decodeCallback(body)
		decodeSubmit(body)
	})
}
