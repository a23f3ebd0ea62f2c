-- Each activity's route for maps, kept beside its streams: the track simplified to within a metre, as
-- an encoded polyline ('' without positions). Written with the streams; NULL for streams stored before
-- this column, whose route is computed from the streams when read.
ALTER TABLE activity_streams ADD COLUMN route TEXT;
