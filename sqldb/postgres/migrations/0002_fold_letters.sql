-- Search text is folded by the shared fold package, which spells out the letters that
-- have no accent to remove (ß as ss, ł as l …): refold what earlier versions stored, so
-- that "lukasz" finds Łukasz. Only rows holding such a letter change.
UPDATE customers SET
	search_doc = replace(replace(replace(replace(replace(replace(replace(replace(replace(search_doc, 'ß', 'ss'), 'ø', 'o'), 'æ', 'ae'), 'œ', 'oe'), 'ł', 'l'), 'đ', 'd'), 'ı', 'i'), 'þ', 'th'), 'ð', 'd'),
	sort_name = replace(replace(replace(replace(replace(replace(replace(replace(replace(sort_name, 'ß', 'ss'), 'ø', 'o'), 'æ', 'ae'), 'œ', 'oe'), 'ł', 'l'), 'đ', 'd'), 'ı', 'i'), 'þ', 'th'), 'ð', 'd')
WHERE search_doc <> replace(replace(replace(replace(replace(replace(replace(replace(replace(search_doc, 'ß', 'ss'), 'ø', 'o'), 'æ', 'ae'), 'œ', 'oe'), 'ł', 'l'), 'đ', 'd'), 'ı', 'i'), 'þ', 'th'), 'ð', 'd');
