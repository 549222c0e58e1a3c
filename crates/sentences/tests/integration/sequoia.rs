//! A quality floor on UD French Sequoia dev (the full comparison is `scripts/eval-sentences.sh`):
//! documents of 10 gold sentences, a line break after a sentence without final punctuation.

use toolkit_sentences::Segmenter;

use crate::shared_file;

#[test]
fn sequoia_dev_variant_a_boundary_f1_at_least_0_99() {
    let Some(conllu) = shared_file("fr_sequoia-ud-dev.conllu") else {
        return;
    };
    let sentences: Vec<&str> = conllu
        .lines()
        .filter_map(|l| l.strip_prefix("# text = "))
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .collect();
    assert!(sentences.len() > 400);
    let seg = Segmenter::french();
    let (mut tp, mut n_pred, mut n_gold) = (0, 0, 0);
    for chunk in sentences.chunks(10) {
        let mut text = String::new();
        let mut gold = Vec::new();
        for (k, s) in chunk.iter().enumerate() {
            text.push_str(s);
            if k + 1 < chunk.len() {
                gold.push(text.len());
            }
            let core = s.trim_end_matches(['"', '»', '”', '\'', '’', ')', ']']);
            text.push(if core.ends_with(['.', '!', '?', '…']) {
                ' '
            } else {
                '\n'
            });
        }
        let found = seg.split(&text);
        let pred: Vec<usize> = found[..found.len() - 1].iter().map(|s| s.end).collect();
        tp += pred.iter().filter(|b| gold.contains(b)).count();
        n_pred += pred.len();
        n_gold += gold.len();
    }
    let p = tp as f64 / n_pred as f64;
    let r = tp as f64 / n_gold as f64;
    let f1 = 2.0 * p * r / (p + r);
    assert!(f1 >= 0.99, "F1 {f1:.4} (P {p:.4}, R {r:.4})");
}
