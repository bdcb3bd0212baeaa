package odoosim

import (
	"slices"

	"github.com/aicoo/aicoo/internal/dataset"
)

// DiscussChannelModel returns the model of Discuss channels in Odoo major
// version major: mail.channel up to 16, discuss.channel from 17 (the
// module split that moved Discuss out of mail).
func DiscussChannelModel(major int) string {
	if major <= 16 {
		return "mail.channel"
	}
	return "discuss.channel"
}

// DiscussGeneral is the channel every Odoo database gets with the mail
// module (the data record mail.channel_all_employees).
const DiscussGeneral = "general"

// discussModelInfo describes the Discuss channel model. The dataset schema
// does not hold it (channels are not business data), so the simulator makes
// it up like ir.module.module: its records are read-only, except that
// message_post adds messages to them, as posting in a channel does.
func discussModelInfo(major int) *modelInfo {
	mi := &modelInfo{
		name: DiscussChannelModel(major), description: "Discussion Channel", order: "id", recName: "name",
		fields: map[string]*fieldInfo{}, byKey: map[string]*fieldInfo{}, served: true, virtual: true, thread: true,
	}
	for _, f := range []*fieldInfo{
		{name: "id", typ: dataset.Integer, label: "ID", readonly: true, store: true},
		{name: "display_name", typ: dataset.Char, label: "Display Name", readonly: true, derived: true},
		{name: "name", typ: dataset.Char, label: "Name", required: true, store: true},
		{name: "description", typ: dataset.Text, label: "Description", store: true},
		{name: "channel_type", typ: dataset.Selection, label: "Channel Type", required: true, store: true, selection: []dataset.Option{
			{Value: "chat", Label: "Chat"}, {Value: "channel", Label: "Channel"}, {Value: "group", Label: "Group"}}},
	} {
		f.key = f.name
		mi.add(f)
	}
	return mi
}

// addDiscuss serves the Discuss channel model when the mail module is
// installed, with the "general" channel and the channels named in
// Options.DiscussChannels.
func (s *Server) addDiscuss() {
	if _, ok := slices.BinarySearch(s.modules, "mail"); !ok {
		return
	}
	mi := discussModelInfo(s.major)
	names := append([]string{DiscussGeneral}, s.opts.DiscussChannels...)
	vt := &vtable{index: map[int64]dataset.Record{}}
	for i, name := range names {
		desc := ""
		if name == DiscussGeneral {
			desc = "General announcements for all employees."
		}
		r := dataset.Record{"id": int64(i + 1), "name": name, "description": desc, "channel_type": "channel"}
		vt.records = append(vt.records, r)
		vt.index[r.ID()] = r
	}
	s.models[mi.name] = mi
	s.virtual[mi.name] = vt
}
