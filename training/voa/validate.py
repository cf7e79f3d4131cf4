"""Validate training/voa gold against the voa-dev gold format (CONVENTIONS.md)."""
import collections, datetime, json, os, re, sys

HERE = os.path.dirname(os.path.abspath(__file__))
SHARED = os.environ.get("EVENTCODER_SHARED", "/work/shared")
P = {'AGREE', 'CONSULT', 'SUPPORT', 'CONCEDE', 'COOPERATE', 'AID', 'RETREAT', 'REQUEST',
     'ACCUSE', 'REJECT', 'THREATEN', 'PROTEST', 'SANCTION', 'MOBILIZE', 'COERCE', 'ASSAULT'}
EV = ['event_id', 'article_id', 'sentence', 'alt_sentences', 'source', 'target', 'plover_type',
      'plover_mode', 'plover_context', 'cameo_code', 'reverse_cameo_code', 'negated', 'future',
      'symmetric', 'event_date', 'date_precision', 'event_date_range', 'date_basis', 'planned_date',
      'location', 'acceptable_alternatives', 'note']
AA = {'plover_type', 'plover_mode', 'cameo_code', 'source_country', 'source_sector',
      'target_country', 'target_sector'}


def main():
    modes = {}
    mpath = os.path.join(SHARED, 'data/plover/plover_event_modes.tsv')
    if os.path.exists(mpath):
        for line in open(mpath, encoding='utf-8').read().splitlines()[1:]:
            f = line.split('\t')
            if f[1]:
                modes.setdefault(f[0], set()).add(f[1])
    dev_index = os.path.join(SHARED, 'eval/articles/voa-dev/index.jsonl')
    devids = {json.loads(l)['voa_id'] for l in open(dev_index)} if os.path.exists(dev_index) else set()
    idx = {}
    for l in open(os.path.join(HERE, 'index.jsonl'), encoding='utf-8'):
        r = json.loads(l)
        idx[r['article_id']] = r
    errors = []
    n_ev = n_ne = 0
    types = collections.Counter()

    def check(cond, msg):
        if not cond:
            errors.append(msg)

    for line in open(os.path.join(HERE, 'gold.jsonl'), encoding='utf-8'):
        d = json.loads(line)
        aid = d['article_id']
        check(list(d) == ['article_id', 'publication_date', 'headline', 'events', 'non_events'], f'{aid}: top-level keys')
        txt = open(os.path.join(HERE, 'articles', aid + '.txt'), encoding='utf-8').read()
        head, _, rest = txt.partition('\n\n')
        ts, _, body = rest.partition('\n\n')
        check(head == d['headline'], f'{aid}: headline')
        check(ts.startswith(d['publication_date']) and ts.endswith(' UTC'), f'{aid}: timestamp line')
        check(body.endswith('\n') and '\n' not in body[:-1], f'{aid}: body must be one paragraph')
        check(aid in idx and idx[aid]['voa_id'] not in devids, f'{aid}: missing from index or overlaps voa-dev')
        for e in d['events']:
            eid = e.get('event_id')
            check(list(e) == EV, f'{eid}: field list/order')
            check(e['article_id'] == aid and eid.startswith(aid + '-'), f'{eid}: ids')
            check(e['plover_type'] in P, f'{eid}: plover_type')
            m = e['plover_mode']
            for x in ([m] if isinstance(m, str) else (m or [])):
                check(x in modes.get(e['plover_type'], {x}), f'{eid}: mode {x} not listed for {e["plover_type"]}')
            for s in [e['sentence']] + e['alt_sentences']:
                check(s in body, f'{eid}: sentence not in article: {s[:60]}')
            check(e['negated'] is False, f'{eid}: negated must be false')
            check(re.fullmatch(r'\d{3,4}', e['cameo_code']) is not None, f'{eid}: cameo_code')
            for k in ('source', 'target'):
                a = e[k]
                if a is None:
                    check(k == 'target' and e['plover_type'] not in ('COOPERATE', 'AID', 'SANCTION'), f'{eid}: null {k}')
                    continue
                check({'text', 'country', 'sector'} <= set(a) <= {'text', 'country', 'sector', 'members', 'implicit'}, f'{eid}: {k} keys')
            datetime.date.fromisoformat(e['event_date'])
            check(e['event_date'] <= d['publication_date'], f'{eid}: event after publication')
            check(e['date_precision'] in ('day', 'range', 'approx'), f'{eid}: date_precision')
            if e['date_precision'] == 'day':
                check(e['event_date_range'] is None, f'{eid}: range with day precision')
            else:
                r = e['event_date_range']
                check(r is not None and r[0] <= e['event_date'] <= r[1], f'{eid}: event_date outside range')
            if e['planned_date']:
                datetime.date.fromisoformat(e['planned_date'])
            check(set(e['acceptable_alternatives']) <= AA, f'{eid}: acceptable_alternatives keys')
            check(all(t in P for t in e['acceptable_alternatives'].get('plover_type', [])), f'{eid}: alt plover_type')
            types[e['plover_type']] += 1
            n_ev += 1
        for ne in d['non_events']:
            check(set(ne) == {'sentence', 'description', 'reason', 'candidate'}, f'{aid}: non_event keys')
            check(ne['sentence'] in body, f'{aid}: non_event sentence not in article: {ne["sentence"][:60]}')
            n_ne += 1
    print(f'{len(idx)} articles, {n_ev} events, {n_ne} non-events')
    print(dict(types.most_common()))
    for e in errors:
        print('ERROR', e)
    return 1 if errors else 0


if __name__ == '__main__':
    sys.exit(main())
