package spec

import "github.com/hashicorp/hcl/v2"

var fileSchema = &hcl.BodySchema{
	Blocks: []hcl.BlockHeaderSchema{
		{Type: "provider", LabelNames: []string{"type"}},
		{Type: "variable", LabelNames: []string{"name"}},
		{Type: "locals"},
		{Type: "image", LabelNames: []string{"name"}},
		{Type: "moved"},
		{Type: "derive", LabelNames: []string{"name"}},
		{Type: "pixform"},
	},
}

var defapiSchema = &hcl.BodySchema{
	Attributes: []hcl.AttributeSchema{
		{Name: "base_url"},
		{Name: "rate_limit"},
		{Name: "retry_for"},
		{Name: "retry_attempts"},
		{Name: "not_found_grace"},
		{Name: "api_key"}, // accepted by the schema only to be refused with a clear reason
	},
	Blocks: []hcl.BlockHeaderSchema{{Type: "callback"}},
}

var offlineSchema = &hcl.BodySchema{}

var callbackSchema = &hcl.BodySchema{
	Attributes: []hcl.AttributeSchema{
		{Name: "listen"},
		{Name: "public_url", Required: true},
	},
}

var variableSchema = &hcl.BodySchema{
	Attributes: []hcl.AttributeSchema{
		{Name: "default"},
		{Name: "description"},
		{Name: "type"},
		{Name: "sensitive"},
	},
	Blocks: []hcl.BlockHeaderSchema{{Type: "validation"}},
}

var validationSchema = &hcl.BodySchema{
	Attributes: []hcl.AttributeSchema{
		{Name: "condition", Required: true},
		{Name: "error_message", Required: true},
	},
}

var imageSchema = &hcl.BodySchema{
	Attributes: []hcl.AttributeSchema{
		{Name: "provider"},
		{Name: "model"},
		{Name: "prompt", Required: true},
		{Name: "output", Required: true},
		{Name: "images"},
		{Name: "aspect_ratio"},
		{Name: "image_size"},
		{Name: "callback_url"},
		{Name: "variants"},
		{Name: "depends_on"},
		{Name: "for_each"},
		{Name: "count"},
	},
	Blocks: []hcl.BlockHeaderSchema{{Type: "lifecycle"}, {Type: "check"}},
}

var lifecycleSchema = &hcl.BodySchema{
	Attributes: []hcl.AttributeSchema{
		{Name: "ignore_changes"},
		{Name: "prevent_regenerate"},
	},
}

var movedSchema = &hcl.BodySchema{
	Attributes: []hcl.AttributeSchema{
		{Name: "from", Required: true},
		{Name: "to", Required: true},
	},
}
